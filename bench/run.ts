/** `npm run -s bench -- <name> [--json] [options]`: runs one benchmark and prints its JSON. */
import { benchApply } from './apply';
import { benchCollab } from './collab-bench';
import { benchLang } from './lang-bench';
import { benchModel } from './model';
import { benchTab } from './tab';

const benches: Record<string, (args: string[]) => Promise<unknown>> = { apply: benchApply, model: benchModel, tab: benchTab, lang: benchLang, collab: benchCollab };

const [name, ...args] = process.argv.slice(2);
const bench = benches[name ?? ''];
if (!bench) {
  process.stderr.write(`unknown benchmark ${JSON.stringify(name ?? '')}; benchmarks: ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
bench(args).then(
  (result) => process.stdout.write(JSON.stringify(result, null, args.includes('--json') ? 0 : 2) + '\n'),
  (e: unknown) => {
    process.stderr.write(`bench ${name}: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
