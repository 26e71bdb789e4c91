import type { ChaosOptionsInput } from './options';

/** Test-only fault injection for a producer: draws one decision per batch and counts what it did. */
export class Chaos {
  readonly counts = { dropped: 0, duplicated: 0, reordered: 0 };

  constructor(
    private readonly options: Required<ChaosOptionsInput> | undefined,
    private readonly random: () => number,
  ) {}

  /** Whether to pretend this batch was sent without sending it. */
  drop(): boolean {
    return this.draw('drop', 'dropped');
  }

  /** Whether to send this batch twice. */
  duplicate(): boolean {
    return this.draw('dup', 'duplicated');
  }

  /** Whether to send the next batch before this one. */
  reorder(): boolean {
    return this.draw('reorder', 'reordered');
  }

  private draw(option: 'drop' | 'dup' | 'reorder', counter: keyof Chaos['counts']): boolean {
    const probability = this.options?.[option] ?? 0;
    if (probability <= 0 || this.random() >= probability) return false;
    this.counts[counter] += 1;
    return true;
  }
}
