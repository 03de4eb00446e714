import 'reflect-metadata';
import { CliError } from './admin-client.js';
import { buildProgram } from './program.js';

buildProgram().parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`meridian: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`meridian: ${(error as Error).message}\n`);
  process.exit(2);
});
