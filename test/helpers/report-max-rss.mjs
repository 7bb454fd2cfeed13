// Loaded with `node --import` into a child process under test: prints the process's peak resident
// memory (kB, from getrusage) to stderr as it exits.
process.on('exit', () => process.stderr.write(`\nmax-rss-kb ${process.resourceUsage().maxRSS}\n`));
