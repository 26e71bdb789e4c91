// Placeholder until the producer client lands (issue 3).
export {};
