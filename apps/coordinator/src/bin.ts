import { main } from './cli.js';

// A reader that goes away (`chorale demo --json | head -1`) is not an error: stop quietly, as
// a command killed by SIGPIPE would. Any other failure to write stdout is one line, exit 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`chorale: cannot write the output: ${error.message}\n`);
  process.exit(1);
});

process.exitCode = await main(process.argv);
