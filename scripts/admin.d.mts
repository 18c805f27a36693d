export const builtCli: string;
export function isBuildStale(sourceDir: string, output: string): boolean;
