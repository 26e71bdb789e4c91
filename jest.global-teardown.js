module.exports = async () => {
  await globalThis.__logstreamStop?.();
};
