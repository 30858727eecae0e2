#!/usr/bin/env python3
"""Builds a random-initialised transformers LlamaForCausalLM and writes it as
a tg module (a generator script: the weights go in as dense constants, not
through ONNX), plus the prompt and transformers' greedy continuation.

    make_model.py OUT_DIR [--hidden 64 --layers 2 --heads 4 --kv-heads 2
                           --intermediate 128 --vocab 256 --context 64
                           --prompt-len 8 --new-tokens 32 --seed 0
                           --prefill]

Writes OUT_DIR/model.mlir, OUT_DIR/prompt.txt (token ids) and
OUT_DIR/expected.txt (the prompt's greedy continuation by
model.generate(do_sample=False)); with --time-torch also prints torch's
decode tokens/s on 2 threads. Needs torch and transformers.

The module has one entry function, `decode`, that runs one token at the
run-time position `pos` (prefill feeds the prompt through it token by token):

    decode(id: tensor<1xi32>, pos: tensor<i32>,
           k0, v0, ..., k{L-1}, v{L-1}: tensor<KVxCTXxHDxf32>)
        -> (next: tensor<1xi32>, k0', v0', ...)

The caches are written in place at `pos` (tg.dynamic_update_slice) and
attention is masked to rows 0..pos, so one compiled function serves every
position below the context; the next token is the argmax of the logits
(greedy), so only 4 bytes come back per step.

With --prefill the module also has

    prefill(ids: tensor<Pxi32>, pos: tensor<i32>, k0, v0, ...)
        -> (next: tensor<1xi32>, k0', v0', ...)

for a prompt of exactly P = --prompt-len tokens: all of them in one call,
writing P rows of every cache, each token attending causally to the rows
up to its own position. tgc-llm uses it when the prompt has that length.
"""
import argparse
import os
import time

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM


def hexdense(a):
    a = np.ascontiguousarray(a, dtype=np.float32)
    return f'dense<"0x{a.tobytes().hex().upper()}">'


def ttype(shape, dtype="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


class Emitter:
    def __init__(self):
        self.lines, self.n = [], 0

    def op(self, text):
        name = f"%t{self.n}"
        self.n += 1
        self.lines.append(f"  {name} = {text}")
        return name

    def const(self, array):
        return self.op(f"tg.constant {hexdense(array)} : "
                       f"{ttype(array.shape)}")


def emit(model, cfg, ctx):
    H, L = cfg.hidden_size, cfg.num_hidden_layers
    nh, nkv = cfg.num_attention_heads, cfg.num_key_value_heads
    hd, group, V = H // nh, nh // nkv, cfg.vocab_size
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    e = Emitter()
    cache = ttype((nkv, ctx, hd))
    args = ["%id: tensor<1xi32>", "%pos: tensor<i32>"]
    for i in range(L):
        args += [f"%k{i}: {cache}", f"%v{i}: {cache}"]

    # Rotary tables for every position, as transformers computes them.
    with torch.no_grad():
        cos, sin = model.model.rotary_emb(
            torch.zeros(1, ctx, hd), torch.arange(ctx)[None])
    cos_t, sin_t = e.const(cos[0].numpy()), e.const(sin[0].numpy())
    zero = e.op("tg.constant dense<0> : tensor<i32>")
    pos1 = e.op("tg.reshape %pos : tensor<i32> -> tensor<1xi32>")
    c = e.op(f"tg.gather {cos_t}[{pos1}] : {ttype((ctx, hd))}, "
             f"tensor<1xi32> -> {ttype((1, hd))}")
    s = e.op(f"tg.gather {sin_t}[{pos1}] : {ttype((ctx, hd))}, "
             f"tensor<1xi32> -> {ttype((1, hd))}")
    scale = e.op(f"tg.constant dense<{hd ** -0.5!r}> : tensor<f32>")
    ninf = e.op("tg.constant dense<0xFF800000> : tensor<f32>")
    row = e.op(f"tg.iota dimension = 2 : {ttype((1, 1, ctx), 'i32')}")
    visible = e.op(f"tg.compare le, {row}, %pos : {ttype((1, 1, ctx), 'i32')}"
                   f", tensor<i32> -> {ttype((1, 1, ctx), 'i1')}")
    eps = f"{cfg.rms_norm_eps:e}"

    def linear(x, w, n_in, n_out):
        wc = e.const(w)
        return e.op(f"tg.matmul {x}, {wc} transpose_b : {ttype((1, n_in))}, "
                    f"{ttype((n_out, n_in))} -> {ttype((1, n_out))}")

    def norm(x, w):
        wc = e.const(w)
        return e.op(f"tg.rms_norm {x} weight {wc} axis = 1 epsilon = {eps} : "
                    f"{ttype((1, H))}, {ttype((H,))}")

    def rope(x, heads):
        t = ttype((heads, 1, hd))
        half = ttype((heads, 1, hd // 2))
        x1 = e.op(f"tg.slice {x} start = [0, 0, 0] size = [{heads}, 1, "
                  f"{hd // 2}] stride = [1, 1, 1] : {t} -> {half}")
        x2 = e.op(f"tg.slice {x} start = [0, 0, {hd // 2}] size = [{heads}, "
                  f"1, {hd // 2}] stride = [1, 1, 1] : {t} -> {half}")
        n2 = e.op(f"tg.neg {x2} : {half}")
        rot = e.op(f"tg.concat {n2}, {x1} axis = 2 : {half}, {half} -> {t}")
        xc = e.op(f"tg.mul {x}, {c} : {t}, {ttype((1, hd))} -> {t}")
        rs = e.op(f"tg.mul {rot}, {s} : {t}, {ttype((1, hd))} -> {t}")
        return e.op(f"tg.add {xc}, {rs} : {t}, {t} -> {t}")

    emb = e.const(sd["model.embed_tokens.weight"])
    x3 = e.op(f"tg.gather {emb}[%id] : {ttype((V, H))}, tensor<1xi32> -> "
              f"{ttype((1, H))}")
    x = x3
    outs = []
    for i in range(L):
        p = f"model.layers.{i}."
        h = norm(x, sd[p + "input_layernorm.weight"])
        q = linear(h, sd[p + "self_attn.q_proj.weight"], H, nh * hd)
        k = linear(h, sd[p + "self_attn.k_proj.weight"], H, nkv * hd)
        v = linear(h, sd[p + "self_attn.v_proj.weight"], H, nkv * hd)
        q = e.op(f"tg.reshape {q} : {ttype((1, nh * hd))} -> "
                 f"{ttype((nh, 1, hd))}")
        k = e.op(f"tg.reshape {k} : {ttype((1, nkv * hd))} -> "
                 f"{ttype((nkv, 1, hd))}")
        v = e.op(f"tg.reshape {v} : {ttype((1, nkv * hd))} -> "
                 f"{ttype((nkv, 1, hd))}")
        q, k = rope(q, nh), rope(k, nkv)
        upd = ttype((nkv, 1, hd))
        kc = e.op(f"tg.dynamic_update_slice %k{i}, {k}, {zero}, %pos, {zero}"
                  f" : {cache}, {upd}, tensor<i32>, tensor<i32>, tensor<i32>"
                  f" -> {cache}")
        vc = e.op(f"tg.dynamic_update_slice %v{i}, {v}, {zero}, %pos, {zero}"
                  f" : {cache}, {upd}, tensor<i32>, tensor<i32>, tensor<i32>"
                  f" -> {cache}")
        outs += [kc, vc]
        # Grouped-query attention: query heads j*group .. j*group+group-1
        # share key/value head j (transformers' repeat_kv).
        qg = e.op(f"tg.reshape {q} : {ttype((nh, 1, hd))} -> "
                  f"{ttype((nkv, group, hd))}")
        sc = ttype((nkv, group, ctx))
        scores = e.op(f"tg.matmul {qg}, {kc} transpose_b : "
                      f"{ttype((nkv, group, hd))}, {cache} -> {sc}")
        scores = e.op(f"tg.mul {scores}, {scale} : {sc}, tensor<f32> -> {sc}")
        masked = e.op(f"tg.select {visible}, {scores}, {ninf} : "
                      f"{ttype((1, 1, ctx), 'i1')}, {sc}, tensor<f32> -> {sc}")
        probs = e.op(f"tg.softmax {masked} axis = 2 : {sc}")
        att = e.op(f"tg.matmul {probs}, {vc} : {sc}, {cache} -> "
                   f"{ttype((nkv, group, hd))}")
        att = e.op(f"tg.reshape {att} : {ttype((nkv, group, hd))} -> "
                   f"{ttype((1, nh * hd))}")
        o = linear(att, sd[p + "self_attn.o_proj.weight"], nh * hd, H)
        x = e.op(f"tg.add {x}, {o} : {ttype((1, H))}, {ttype((1, H))} -> "
                 f"{ttype((1, H))}")
        h = norm(x, sd[p + "post_attention_layernorm.weight"])
        I = cfg.intermediate_size
        g = linear(h, sd[p + "mlp.gate_proj.weight"], H, I)
        u = linear(h, sd[p + "mlp.up_proj.weight"], H, I)
        g = e.op(f"tg.silu {g} : {ttype((1, I))}")
        gu = e.op(f"tg.mul {g}, {u} : {ttype((1, I))}, {ttype((1, I))} -> "
                  f"{ttype((1, I))}")
        d = linear(gu, sd[p + "mlp.down_proj.weight"], I, H)
        x = e.op(f"tg.add {x}, {d} : {ttype((1, H))}, {ttype((1, H))} -> "
                 f"{ttype((1, H))}")
    x = norm(x, sd["model.norm.weight"])
    head = sd.get("lm_head.weight", sd["model.embed_tokens.weight"])
    logits = linear(x, head, H, V)
    nxt = e.op(f"tg.argmax {logits} axis = 1 : {ttype((1, V))} -> "
               f"tensor<1xi32>")
    results = [nxt] + outs
    types = ["tensor<1xi32>"] + [cache] * (2 * L)
    return (f"// A random LlamaForCausalLM ({H} hidden, {L} layers, {nh} "
            f"heads, {nkv} kv heads, vocab {V}, context {ctx}), written by "
            f"examples/llm/make_model.py.\n"
            f"func.func @decode({', '.join(args)}) -> "
            f"({', '.join(types)}) {{\n" + "\n".join(e.lines) +
            f"\n  return {', '.join(results)} : {', '.join(types)}\n}}\n")


def emit_prefill(model, cfg, ctx, T):
    """`prefill(ids: tensor<Txi32>, pos, k0, v0, ...) -> (next, k0', ...)`:
    the T prompt tokens at positions pos..pos+T-1 in one call (matrix
    products over T rows instead of T matrix-vector products), each
    attending causally to the cache rows 0..pos+t; writes T rows of every
    cache and returns the greedy token after the last one."""
    H, L = cfg.hidden_size, cfg.num_hidden_layers
    nh, nkv = cfg.num_attention_heads, cfg.num_key_value_heads
    hd, group, V = H // nh, nh // nkv, cfg.vocab_size
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    e = Emitter()
    cache = ttype((nkv, ctx, hd))
    args = [f"%ids: tensor<{T}xi32>", "%pos: tensor<i32>"]
    for i in range(L):
        args += [f"%k{i}: {cache}", f"%v{i}: {cache}"]
    with torch.no_grad():
        cos, sin = model.model.rotary_emb(
            torch.zeros(1, ctx, hd), torch.arange(ctx)[None])
    cos_t, sin_t = e.const(cos[0].numpy()), e.const(sin[0].numpy())
    zero = e.op("tg.constant dense<0> : tensor<i32>")
    steps = e.op(f"tg.iota dimension = 0 : tensor<{T}xi32>")
    posns = e.op(f"tg.add {steps}, %pos : tensor<{T}xi32>, tensor<i32> -> "
                 f"tensor<{T}xi32>")
    c = e.op(f"tg.gather {cos_t}[{posns}] : {ttype((ctx, hd))}, "
             f"tensor<{T}xi32> -> {ttype((T, hd))}")
    s = e.op(f"tg.gather {sin_t}[{posns}] : {ttype((ctx, hd))}, "
             f"tensor<{T}xi32> -> {ttype((T, hd))}")
    scale = e.op(f"tg.constant dense<{hd ** -0.5!r}> : tensor<f32>")
    ninf = e.op("tg.constant dense<0xFF800000> : tensor<f32>")
    # Row r of a kv head's scores is query head r / T of the group at
    # token r % T: key j is visible to it when j <= pos + r % T.
    GT = group * T
    rows = e.op(f"tg.broadcast_to {posns} : tensor<{T}xi32> -> "
                f"{ttype((group, T), 'i32')}")
    rows = e.op(f"tg.reshape {rows} : {ttype((group, T), 'i32')} -> "
                f"{ttype((GT, 1), 'i32')}")
    keys = e.op(f"tg.iota dimension = 1 : {ttype((1, ctx), 'i32')}")
    visible = e.op(f"tg.compare le, {keys}, {rows} : "
                   f"{ttype((1, ctx), 'i32')}, {ttype((GT, 1), 'i32')} -> "
                   f"{ttype((GT, ctx), 'i1')}")
    eps = f"{cfg.rms_norm_eps:e}"

    def linear(x, w, rows, n_in, n_out):
        wc = e.const(w)
        return e.op(f"tg.matmul {x}, {wc} transpose_b : "
                    f"{ttype((rows, n_in))}, {ttype((n_out, n_in))} -> "
                    f"{ttype((rows, n_out))}")

    def norm(x, w, rows):
        wc = e.const(w)
        return e.op(f"tg.rms_norm {x} weight {wc} axis = 1 epsilon = {eps} : "
                    f"{ttype((rows, H))}, {ttype((H,))}")

    def heads(x, n):
        """[T, n*hd] -> [n, T, hd]"""
        x = e.op(f"tg.reshape {x} : {ttype((T, n * hd))} -> "
                 f"{ttype((T, n, hd))}")
        return e.op(f"tg.transpose {x} permutation = [1, 0, 2] : "
                    f"{ttype((T, n, hd))} -> {ttype((n, T, hd))}")

    def rope(x, n):
        t, half = ttype((n, T, hd)), ttype((n, T, hd // 2))
        x1 = e.op(f"tg.slice {x} start = [0, 0, 0] size = [{n}, {T}, "
                  f"{hd // 2}] stride = [1, 1, 1] : {t} -> {half}")
        x2 = e.op(f"tg.slice {x} start = [0, 0, {hd // 2}] size = [{n}, "
                  f"{T}, {hd // 2}] stride = [1, 1, 1] : {t} -> {half}")
        n2 = e.op(f"tg.neg {x2} : {half}")
        rot = e.op(f"tg.concat {n2}, {x1} axis = 2 : {half}, {half} -> {t}")
        xc = e.op(f"tg.mul {x}, {c} : {t}, {ttype((T, hd))} -> {t}")
        rs = e.op(f"tg.mul {rot}, {s} : {t}, {ttype((T, hd))} -> {t}")
        return e.op(f"tg.add {xc}, {rs} : {t}, {t} -> {t}")

    emb = e.const(sd["model.embed_tokens.weight"])
    x = e.op(f"tg.gather {emb}[%ids] : {ttype((V, H))}, tensor<{T}xi32> -> "
             f"{ttype((T, H))}")
    outs = []
    sc = ttype((nkv, GT, ctx))
    for i in range(L):
        p = f"model.layers.{i}."
        h = norm(x, sd[p + "input_layernorm.weight"], T)
        q = heads(linear(h, sd[p + "self_attn.q_proj.weight"], T, H,
                         nh * hd), nh)
        k = heads(linear(h, sd[p + "self_attn.k_proj.weight"], T, H,
                         nkv * hd), nkv)
        v = heads(linear(h, sd[p + "self_attn.v_proj.weight"], T, H,
                         nkv * hd), nkv)
        q, k = rope(q, nh), rope(k, nkv)
        upd = ttype((nkv, T, hd))
        kc = e.op(f"tg.dynamic_update_slice %k{i}, {k}, {zero}, %pos, {zero}"
                  f" : {cache}, {upd}, tensor<i32>, tensor<i32>, tensor<i32>"
                  f" -> {cache}")
        vc = e.op(f"tg.dynamic_update_slice %v{i}, {v}, {zero}, %pos, {zero}"
                  f" : {cache}, {upd}, tensor<i32>, tensor<i32>, tensor<i32>"
                  f" -> {cache}")
        outs += [kc, vc]
        qg = e.op(f"tg.reshape {q} : {ttype((nh, T, hd))} -> "
                  f"{ttype((nkv, GT, hd))}")
        scores = e.op(f"tg.matmul {qg}, {kc} transpose_b : "
                      f"{ttype((nkv, GT, hd))}, {cache} -> {sc}")
        scores = e.op(f"tg.mul {scores}, {scale} : {sc}, tensor<f32> -> {sc}")
        masked = e.op(f"tg.select {visible}, {scores}, {ninf} : "
                      f"{ttype((GT, ctx), 'i1')}, {sc}, tensor<f32> -> {sc}")
        probs = e.op(f"tg.softmax {masked} axis = 2 : {sc}")
        att = e.op(f"tg.matmul {probs}, {vc} : {sc}, {cache} -> "
                   f"{ttype((nkv, GT, hd))}")
        att = e.op(f"tg.reshape {att} : {ttype((nkv, GT, hd))} -> "
                   f"{ttype((nh, T, hd))}")
        att = e.op(f"tg.transpose {att} permutation = [1, 0, 2] : "
                   f"{ttype((nh, T, hd))} -> {ttype((T, nh, hd))}")
        att = e.op(f"tg.reshape {att} : {ttype((T, nh, hd))} -> "
                   f"{ttype((T, nh * hd))}")
        o = linear(att, sd[p + "self_attn.o_proj.weight"], T, nh * hd, H)
        x = e.op(f"tg.add {x}, {o} : {ttype((T, H))}, {ttype((T, H))} -> "
                 f"{ttype((T, H))}")
        h = norm(x, sd[p + "post_attention_layernorm.weight"], T)
        I = cfg.intermediate_size
        g = linear(h, sd[p + "mlp.gate_proj.weight"], T, H, I)
        u = linear(h, sd[p + "mlp.up_proj.weight"], T, H, I)
        g = e.op(f"tg.silu {g} : {ttype((T, I))}")
        gu = e.op(f"tg.mul {g}, {u} : {ttype((T, I))}, {ttype((T, I))} -> "
                  f"{ttype((T, I))}")
        d = linear(gu, sd[p + "mlp.down_proj.weight"], T, I, H)
        x = e.op(f"tg.add {x}, {d} : {ttype((T, H))}, {ttype((T, H))} -> "
                 f"{ttype((T, H))}")
    # Only the last token's logits are needed.
    x = e.op(f"tg.slice {x} start = [{T - 1}, 0] size = [1, {H}] stride = "
             f"[1, 1] : {ttype((T, H))} -> {ttype((1, H))}")
    x = norm(x, sd["model.norm.weight"], 1)
    head = sd.get("lm_head.weight", sd["model.embed_tokens.weight"])
    logits = linear(x, head, 1, H, V)
    nxt = e.op(f"tg.argmax {logits} axis = 1 : {ttype((1, V))} -> "
               f"tensor<1xi32>")
    results = [nxt] + outs
    types = ["tensor<1xi32>"] + [cache] * (2 * L)
    return (f"func.func @prefill({', '.join(args)}) -> "
            f"({', '.join(types)}) {{\n" + "\n".join(e.lines) +
            f"\n  return {', '.join(results)} : {', '.join(types)}\n}}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=256)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--prompt-len", type=int, default=8)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-torch", action="store_true")
    ap.add_argument("--prefill", action="store_true",
                    help="also write prefill(), the prompt in one call")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    cfg = LlamaConfig(hidden_size=a.hidden, num_hidden_layers=a.layers,
                      num_attention_heads=a.heads,
                      num_key_value_heads=a.kv_heads,
                      intermediate_size=a.intermediate, vocab_size=a.vocab,
                      max_position_embeddings=a.context,
                      # Wider than the default 0.02, so that the logits of a
                      # random model are far enough apart for a greedy
                      # comparison between implementations to be stable.
                      initializer_range=0.2, tie_word_embeddings=False)
    model = LlamaForCausalLM(cfg).eval()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "model.mlir"), "w") as f:
        f.write(emit(model, cfg, a.context))
        if a.prefill:
            f.write(emit_prefill(model, cfg, a.context, a.prompt_len))
    prompt = torch.randint(0, a.vocab, (1, a.prompt_len))
    with torch.no_grad():
        out = model.generate(prompt, max_new_tokens=a.new_tokens,
                             do_sample=False, min_new_tokens=a.new_tokens)
    with open(os.path.join(a.out, "prompt.txt"), "w") as f:
        f.write(" ".join(map(str, prompt[0].tolist())) + "\n")
    with open(os.path.join(a.out, "expected.txt"), "w") as f:
        f.write(" ".join(map(str, out[0, a.prompt_len:].tolist())) + "\n")
    if a.time_torch:
        torch.set_num_threads(2)

        def timed(n):
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                model.generate(prompt, max_new_tokens=n, min_new_tokens=n,
                               do_sample=False)
                best = min(best, time.perf_counter() - t0)
            return best

        with torch.no_grad():
            timed(2)  # warm-up
            # A one-token run is the prefill; what a longer one adds is the
            # decode of the other tokens.
            decode = timed(a.new_tokens) - timed(1)
        print(f"torch: {(a.new_tokens - 1) / decode:.1f} tokens/s "
              f"(decode, {a.new_tokens - 1} tokens, eager, 2 threads)")

if __name__ == "__main__":
    main()
