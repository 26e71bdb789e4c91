// Placeholder until the traffic simulator lands (issue 3).
export {};
