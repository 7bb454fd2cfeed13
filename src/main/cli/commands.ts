// Every CLI command, in the order `likeness help` lists them. Each lives in its own file, imported
// only when it runs: `help` and the light commands (status, similar, …) never load TensorFlow.js,
// sharp or the model code that heavy ones (index, train, embed, serve) need.
import type { CommandInfo, CommandRun } from './command';
import { commandGroup } from './group';

export interface LazyCommand extends CommandInfo {
  load(): Promise<CommandRun>;
}

export const commands: LazyCommand[] = [
  {
    name: 'index',
    summary: 'add folders to the library and scan them (no folder: re-scan every library folder)',
    usage: 'index [folder…] [--json]',
    load: async () => (await import('./index-folders')).indexCommand,
  },
  {
    name: 'status',
    summary: "print the library's size and state",
    usage: 'status [--json]',
    load: async () => (await import('./status')).statusCommand,
  },
  {
    name: 'errors',
    summary: 'list files that could not be read or decoded, with the reason',
    usage: 'errors [--json] [--limit N]',
    load: async () => (await import('./errors')).errorsCommand,
  },
  {
    name: 'folders',
    summary: "list the library's folders, or remove one from the library (files on disk are untouched)",
    usage: 'folders [--remove <folder>] [--json]',
    load: async () => (await import('./folders')).foldersCommand,
  },
  {
    name: 'serve',
    summary: 'open the Likeness UI in a browser: a local HTTP server (127.0.0.1 unless --host)',
    usage: 'serve [--port P] [--host H] [--open] [--no-watch] [--no-retrain-overnight]',
    load: async () => (await import('./serve')).serveCommand,
  },
  {
    name: 'similar',
    summary:
      'the photos most similar to each one given, best first (cosine of the active model’s embeddings); --stdin reads one photo a line, --json prints one line per photo',
    usage: 'similar <photo path | photo id>… [--stdin] | --image <file>  [--k 20] [--json] [--sheet out.png]',
    load: async () => (await import('./similar')).similarCommand,
  },
  {
    name: 'clusters',
    summary: 'group the library by visual similarity; show or name a cluster',
    usage: 'clusters [--recompute] [--min-size N] [--fine | --coarse] [--json] | clusters show <id> [--json] | clusters rename <id> [<name>]',
    load: async () => (await import('./clusters')).clustersCommand,
  },
  {
    name: 'export-cluster',
    summary: 'write a cluster as an album folder of symbolic links (or --copy copies); originals are never moved',
    usage: 'export-cluster <cluster id> <folder> [--copy] [--json]',
    load: async () => (await import('./export-cluster')).exportClusterCommand,
  },
  {
    name: 'duplicates',
    summary:
      'groups of copies and of similar shots with the photo to keep; resolve moves the others to the system trash (asks first), undo puts them back; not-duplicates/keep-all hide a group for good',
    usage: 'duplicates [--json] | resolve <group>… [--keep <photo id>] [--dry-run] [--yes] | undo | not-duplicates <group>… | keep-all <group>…',
    load: async () => (await import('./duplicates')).duplicatesCommand,
  },
  {
    name: 'train',
    summary: 'train a new encoder version on the library (resumes an interrupted run)',
    usage:
      'train [--epochs N | --minutes M | --max-steps N] [--preset fast|reference] [--input-size S] [--width W] [--z-dim D] [--alpha A --beta B --gamma G] [--estimator js|nce] [--views 1|2] [--global-critic zz|concat|dot] [--local-critic concat|dot] [--temperature T] [--same-kind-prior P] [--cutmix P] [--pooling max|flatten] [--local-map-size S] [--crop-min-scale F] [--jitter J] [--grey P] [--rotate P] [--hue H] [--batch-size B] [--lr R] [--lr-schedule constant|cosine] [--weight-decay L] [--seed N] [--from-scratch] [--checkpoint-every SECONDS] [--workers W] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
    load: async () => (await import('./train')).trainCommand,
  },
  {
    name: 'embed',
    summary: 'embed every photo lacking an embedding for the active model (no retraining needed)',
    usage: 'embed [--model ID] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
    load: async () => (await import('./embed')).embedCommand,
  },
  {
    name: 'models',
    summary: 'list model versions; `models activate ID`; `models loss ID`',
    usage: 'models [list | activate ID | loss ID] [--json]',
    load: async () => (await import('./models')).modelsCommand,
  },
  {
    name: 'retrain',
    summary: 'retrain the model on the whole library; the new one becomes active only if it is not worse',
    usage: 'retrain [--if-due] [--from-scratch] [--minutes M] [--epochs N] [--idle-minutes N] [--backend auto|webgpu|wasm|cpu|tensorflow] [--json]',
    load: async () => (await import('./retrain')).retrainCommand,
  },
  {
    name: 'backend',
    summary: 'show or set the backend training and embedding use (auto, webgpu, wasm, cpu, tensorflow)',
    usage: 'backend [auto|webgpu|wasm|cpu|tensorflow] [--json]',
    load: async () => (await import('./backend')).backendCommand,
  },
  {
    name: 'jobs',
    summary: 'list the job queue, or cancel, pause or resume a job (in the running app or for its next start)',
    usage: 'jobs [cancel|pause|resume <id>] [--json]',
    load: async () => (await import('./jobs')).jobsCommand,
  },
  {
    name: 'bench',
    summary: 'benchmarks that print speed and memory figures',
    usage: 'bench <what> …  (likeness bench --list)',
    load: async () => commandGroup('bench', async () => (await import('./subcommands')).benchCommands),
  },
  {
    name: 'eval',
    summary: 'quality evaluations on a folder of data',
    usage: 'eval <what> …  (likeness eval --list)',
    load: async () => commandGroup('eval', async () => (await import('./subcommands')).evalCommands),
  },
];
