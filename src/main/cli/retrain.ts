// `likeness retrain [--if-due]`: retrain on the whole library, keep the new model only if it passes
// the quality gate. `--if-due` applies the overnight schedule, for cron or a systemd timer.
import { onBatteryPower } from '../jobs/power';
import { libraryRetrainState, retrainSchedule } from '../jobs/retrain';
import { retrainDecision } from '../jobs/schedule';
import { parse, UsageError, type CommandRun } from './command';
import { runHeavy } from './heavy';
import { backendFlag } from './train';

export const retrainCommand: CommandRun = {
  async run(args, ctx) {
    const { values } = parse(
      args,
      {
        'if-due': { type: 'boolean' },
        'from-scratch': { type: 'boolean' },
        minutes: { type: 'string' },
        epochs: { type: 'string' },
        'idle-minutes': { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const number = (v: string | undefined, name: string) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!(n > 0)) throw new UsageError(`--${name} takes a positive number`);
      return n;
    };
    const backend = backendFlag(values.backend);
    const core = ctx.core();
    let deadline: Date | null = null;
    if (values['if-due']) {
      const decision = retrainDecision(retrainSchedule(core), {
        now: new Date(),
        // From cron there is no way to see the user's input: the schedule's window stands for it,
        // unless the caller says how long the machine has been idle.
        idleSeconds: values['idle-minutes'] === undefined ? Number.POSITIVE_INFINITY : number(values['idle-minutes'], 'idle-minutes')! * 60,
        onBattery: await onBatteryPower(),
        ...libraryRetrainState(core),
      });
      if (!decision.due) {
        ctx.out(values.json ? JSON.stringify({ due: false, reason: decision.reason }) : `not due: ${decision.reason}`);
        return 0;
      }
      ctx.err(`due: ${decision.reason}; stops at ${decision.windowEndsAt.toLocaleTimeString()} and continues next night if unfinished`);
      deadline = decision.windowEndsAt;
    }
    // In the app's job queue when the app or serve is running (only one heavy job at a time).
    const ran = await runHeavy(
      ctx,
      {
        kind: 'train',
        mode: 'retrain',
        message: 'Retraining the model on your photos',
        options: {
          fromScratch: values['from-scratch'],
          backend,
          minutes: number(values.minutes, 'minutes'),
          epochs: number(values.epochs, 'epochs') ?? (values.minutes ? undefined : 10),
        },
        deadline: deadline?.toISOString() ?? null,
      },
      'retrain',
    );
    if ('paused' in ran)
      ctx.out(values.json ? JSON.stringify({ due: true, paused: true }) : 'the retraining window ended: paused at a checkpoint, continues next time');
    else ctx.out(values.json ? JSON.stringify(ran.outcome) : ran.outcome.summary);
    return 0;
  },
};
