import { fileURLToPath } from 'node:url';

/** The CLI's own folder: the built-in plugins resolve from here when the user's project lacks them. */
export const OWN_DIR = fileURLToPath(new URL('.', import.meta.url));
