// Preloaded into a measured process (node --require): writes the process's peak resident memory, worker threads
// included, to the file named by HA_SECURITY_BENCH_RSS_FILE when the process exits.
const fs = require('node:fs');

const file = process.env.HA_SECURITY_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes.
    fs.writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
