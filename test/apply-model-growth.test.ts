/**
 * Growing the apply model deeper (train_apply.py --grow-after): the new blocks start out adding
 * nothing, so the grown model computes what the shipped one does until training moves them; a bad
 * list of layers is refused before anything is written. Runs with Debian's python3-torch.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MODEL = 'models/lookahead-apply';

describe('apply model growth', () => {
  it('a model grown by two blocks gives the logits of the model it grew from', () => {
    const code = `
import sys, json, torch
sys.path.insert(0, "training/apply"); sys.path.insert(0, "training/model")
import train_apply
from fused_graph import config_from_folder, state_from_fused_onnx
from llama import CodeModel, ModelConfig
c = config_from_folder("${MODEL}")
state = {k: torch.from_numpy(v.copy()) for k, v in state_from_fused_onnx("${MODEL}/onnx/model.onnx", c).items()}
before = CodeModel(ModelConfig(**c)); before.load_state_dict(state)
grown, new = train_apply.grown_state(state, c["num_layers"], [1, 3])
after = CodeModel(ModelConfig(**{**c, "num_layers": c["num_layers"] + 2})); after.load_state_dict(grown)
x = torch.randint(0, c["vocab_size"], (2, 64), generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    a, b = before(x), after(x)
same = [torch.equal(grown[f"layers.{n}.self_attn.q_proj.weight"], state[f"layers.{o}.self_attn.q_proj.weight"]) for n, o in [(2, 1), (5, 3)]]
print(json.dumps({"new": new, "diff": float((a - b).abs().max()), "layers": len(after.layers), "from": c["num_layers"], "copies": same,
                  "spread": float(a.std())}))
`;
    const run = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { new: number[]; diff: number; layers: number; from: number; copies: boolean[]; spread: number };
    assert.deepEqual(result.new, [2, 5], 'a new block after layers 1 and 3, each pushing the later ones on');
    assert.equal(result.layers, result.from + 2);
    assert.deepEqual(result.copies, [true, true], 'each new block starts as a copy of the layer before it');
    assert.ok(result.spread > 0.1, 'the logits are not all alike');
    assert.equal(result.diff, 0, 'the grown model computes exactly what the shipped one does');
  });

  for (const bad of ['4', '2,1', '1,1', 'two']) {
    it(`refuses --grow-after ${bad} before writing anything`, () => {
      const out = join(mkdtempSync(join(tmpdir(), 'lookahead-grow-')), 'checkpoint');
      const run = spawnSync(
        '/usr/bin/python3',
        ['training/apply/train_apply.py', '--init', MODEL, '--examples', '/nonexistent', '--out', out, '--steps', '1', '--grow-after', bad],
        { encoding: 'utf8' },
      );
      assert.notEqual(run.status, 0);
      assert.match(run.stderr + run.stdout, /--grow-after wants/);
      assert.ok(!existsSync(out), 'no checkpoint folder was made');
    });
  }
});
