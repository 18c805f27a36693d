export interface Prerequisite {
  name: string;
  path?: string;
  debianPackage: string;
}

export type PrerequisitePlan =
  | { action: 'ready' }
  | { action: 'install'; packages: string[]; commands: string[][] }
  | { action: 'stop'; packages: string[]; command: string; message: string };

export const PREREQUISITES: Prerequisite[];

export function planPrerequisites(state: { missing: Prerequisite[]; isRoot: boolean; hasAptGet: boolean }): PrerequisitePlan;
