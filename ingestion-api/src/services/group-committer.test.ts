import { GroupCommitter, type Settled } from './group-committer';

/** A commit the test releases by hand, recording the groups it was given. */
function controlled() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  const commit = (entries: number[]) =>
    new Promise<Settled<string>[]>((resolve) => {
      groups.push(entries);
      releases.push(() =>
        resolve(
          entries.map((n) =>
            n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: `v${n}` },
          ),
        ),
      );
    });
  return { groups, releases, commit };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitter', () => {
  it('commits a lone entry at once, and gathers what arrives meanwhile into the next group', async () => {
    const { groups, releases, commit } = controlled();
    const committer = new GroupCommitter({ commit, maxWeight: 100, maxEntries: 100, maxInFlight: 1 });
    const first = committer.submit(1);
    await turn();
    expect(groups).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => committer.submit(n));
    await turn();
    expect(groups).toHaveLength(1);
    releases[0]?.();
    await expect(first).resolves.toBe('v1');
    await turn();
    expect(groups[1]).toEqual([2, 3, 4]);
    releases[1]?.();
    await expect(Promise.all(later)).resolves.toEqual(['v2', 'v3', 'v4']);
  });

  it('gives each entry its own outcome, and splits groups by weight', async () => {
    const { groups, releases, commit } = controlled();
    const committer = new GroupCommitter({ commit, maxWeight: 10, maxEntries: 100, maxInFlight: 2 });
    const results = [
      committer.submit(1, 6),
      committer.submit(-2, 4),
      committer.submit(3, 6),
      committer.submit(4, 50),
    ].map((promise) =>
      promise.then(
        (value) => value,
        (error: Error) => error.message,
      ),
    );
    await turn();
    expect(groups).toEqual([[1, -2], [3]]);
    releases.forEach((release) => release());
    await turn();
    expect(groups[2]).toEqual([4]);
    releases[2]?.();
    await expect(Promise.all(results)).resolves.toEqual(['v1', 'bad -2', 'v3', 'v4']);
  });

  it('fails every entry of a group whose commit throws', async () => {
    const committer = new GroupCommitter<number, string>({
      commit: () => Promise.reject(new Error('redis down')),
      maxWeight: 10,
      maxEntries: 10,
      maxInFlight: 1,
    });
    await expect(Promise.all([committer.submit(1), committer.submit(2)])).rejects.toThrow('redis down');
    expect(committer.stats.groups).toBe(1);
  });
});
