export function explainSandboxFailure(launch: {
  stderr: string;
  code: number | null;
  signal: string | null;
  electronPath: string;
  platform?: string;
}): string[] | null;
