// `likeness duplicates`: groups of copies and of similar shots, each with the photo suggested to
// keep. `duplicates resolve` moves the other photos' files to the system trash after showing
// exactly what will move and asking (or --yes); `duplicates undo` puts the last resolve back.
// Listing moves nothing. The grouping runs in the app's job queue when the app (or serve) is running.
import { createInterface } from 'node:readline/promises';
import type { Core } from '../core';
// Resolving reads and moves files (and re-indexes on undo): loaded only by resolve and undo, so the
// listing stays a light command.
import type { PlannedFile } from '../library/resolve';
import { toApiDuplicateGroups } from '../search/service';
import { decisionFor, duplicateGroupById, recordDecision, storedDuplicateGroups } from '../store/duplicates';
import { pendingTrashItems, trashedButListed } from '../store/trashJournal';
import { photoPaths } from '../store/photos';
import { parse, progressPrinter, UsageError, type CommandContext, type CommandRun } from './command';
import { runHeavy } from './heavy';

/** Settles a resolve that a crash cut short; the file-moving code is loaded only when there is one. */
async function settleInterrupted(core: Core): Promise<void> {
  if (pendingTrashItems(core.db).length === 0 && trashedButListed(core.db).length === 0) return;
  await (await import('../library/resolve')).recoverTrashJournal(core);
}

const KIND_NAMES = { copies: 'copies of one picture', similar: 'similar shots of one scene' } as const;

async function list(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean', default: false } }, false);
  const core = ctx.core();
  await settleInterrupted(core);
  await runHeavy(ctx, { kind: 'duplicates' }, 'neighbour graph');
  const groups = toApiDuplicateGroups(core, storedDuplicateGroups(core.db));
  const rows = groups.map((g) => ({
    id: g.id,
    kind: g.kind,
    keeperId: g.keeperId,
    photos: g.photos.map((p) => ({ id: p.id, path: photoPaths(core.db, p.id)[0] ?? null, width: p.width, height: p.height, takenAt: p.takenAt })),
  }));
  if (values.json) {
    ctx.out(JSON.stringify(rows));
    return 0;
  }
  for (const g of rows) {
    ctx.out(`group ${g.id} (${KIND_NAMES[g.kind]}): ${g.photos.length} photos`);
    for (const p of g.photos) ctx.out(`  ${p.id === g.keeperId ? 'keep' : '    '}  #${p.id}  ${p.width}×${p.height}  ${p.takenAt ?? '—'}  ${p.path}`);
  }
  const count = (kind: 'copies' | 'similar') => rows.filter((g) => g.kind === kind).length;
  ctx.out(
    `${count('copies')} groups of copies, ${count('similar')} groups of similar shots; nothing was deleted or moved (likeness duplicates resolve <group> moves the others to the trash)`,
  );
  return 0;
}

function describePlan(plan: readonly PlannedFile[], out: (line: string) => void): void {
  for (const f of plan) {
    const what = f.action === 'trash' ? 'to trash' : f.action === 'keep' ? 'keep    ' : 'leave   ';
    out(`  ${what}  group ${f.groupId}  #${f.photoId}  ${f.path}${f.reason ? `  (${f.reason})` : ''}`);
  }
}

/** Asks on the terminal: true for yes, false for no, null when there is no terminal to ask on. */
async function confirm(question: string, ctx: CommandContext): Promise<boolean | null> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: ctx.signal });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function groupOrThrow(core: Core, id: number) {
  const group = duplicateGroupById(core.db, id);
  if (!group) throw new UsageError(`no duplicate group ${id} (likeness duplicates lists them)`);
  return group;
}

function groupIds(positionals: string[]): number[] {
  const ids = positionals.map(Number);
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id > 0))
    throw new UsageError('give one or more group ids (likeness duplicates lists them)');
  return ids;
}

async function resolve(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {
    keep: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
  });
  const ids = groupIds(positionals);
  if (values.keep !== undefined && ids.length !== 1) throw new UsageError('--keep needs exactly one group');
  const core = ctx.core();
  const { applyResolve, planResolve, recoverTrashJournal } = await import('../library/resolve');
  const { packageTrash } = await import('../library/trash');
  await recoverTrashJournal(core);
  const choices = ids.map((id) => {
    const group = groupOrThrow(core, id);
    const keeperId = values.keep === undefined ? group.keeperId : Number(values.keep);
    if (!group.photoIds.includes(keeperId))
      throw new UsageError(`photo ${values.keep} is not in group ${id} (its photos: ${group.photoIds.join(', ')})`);
    return { groupId: id, keeperId, photoIds: group.photoIds };
  });
  const plan = await planResolve(core, choices);
  const moving = plan.filter((f) => f.action === 'trash').length;
  describePlan(plan, ctx.out);
  ctx.out(`${moving} files would move to the system trash; ${plan.filter((f) => f.action === 'skip').length} left where they are`);
  if (values['dry-run'] || moving === 0) return 0;
  if (!values.yes) {
    const answer = await confirm(`Move ${moving} files to the trash?`, ctx);
    if (answer === null) {
      ctx.err('no terminal to confirm on: nothing was moved (add --yes to confirm)');
      return 2;
    }
    if (!answer) {
      ctx.out('nothing was moved');
      return 0;
    }
  }
  const printer = progressPrinter('trash');
  const result = await applyResolve(core, plan, packageTrash, { onProgress: (p) => printer.show(p), signal: ctx.signal });
  printer.end();
  for (const s of result.skipped) ctx.err(`left ${s.path}: ${s.reason}`);
  ctx.out(`moved ${result.trashed.length} files to the trash; ${result.skipped.length} left (likeness duplicates undo puts them back)`);
  return result.skipped.length && !result.trashed.length ? 1 : 0;
}

async function undo(args: string[], ctx: CommandContext): Promise<number> {
  parse(args, {}, false);
  const core = ctx.core();
  const { recoverTrashJournal, undoLastResolve } = await import('../library/resolve');
  await recoverTrashJournal(core);
  const result = await undoLastResolve(core);
  if (result.batchId === null) {
    ctx.out('nothing to undo');
    return 0;
  }
  for (const f of result.failed) ctx.err(`not restored ${f.path}: ${f.reason}`);
  ctx.out(`restored ${result.restored.length} files from the trash${result.failed.length ? `; ${result.failed.length} could not be` : ''}`);
  return result.failed.length ? 1 : 0;
}

async function decide(args: string[], ctx: CommandContext, decision: 'not-duplicates' | 'keep-all'): Promise<number> {
  const { positionals } = parse(args, {});
  const core = ctx.core();
  for (const id of groupIds(positionals)) {
    const group = groupOrThrow(core, id);
    if (decisionFor(core.db, group.photoIds) === null) recordDecision(core.db, group.photoIds, decision);
    ctx.out(`group ${id}: ${decision === 'keep-all' ? 'keeping all' : 'not duplicates'}; it will not be shown again`);
  }
  return 0;
}

export const duplicatesCommand: CommandRun = {
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'resolve') return resolve(rest, ctx);
    if (sub === 'undo') return undo(rest, ctx);
    if (sub === 'not-duplicates' || sub === 'keep-all') return decide(rest, ctx, sub);
    return list(args, ctx);
  },
};
