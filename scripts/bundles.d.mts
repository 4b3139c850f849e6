// Types of scripts/bundles.mjs (plain JavaScript, so that esbuild.mjs runs without a TypeScript loader).
import type { BuildOptions } from 'esbuild';

export declare const builds: BuildOptions[];
export declare function defines(opts?: { buildId?: string; testHooks?: boolean }): Record<string, string>;
