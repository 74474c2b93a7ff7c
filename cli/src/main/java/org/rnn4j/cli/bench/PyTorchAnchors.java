package org.rnn4j.cli.bench;

import org.rnn4j.io.Json;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch results file that bench/pytorch/bench_configs.py writes with {@code --out} (also through
 * run_configs.sh), or the anchors' shared/anchors/pytorch/bench_rnn.py, whose format it shares: an object with
 * {@code "env"} (torch version, threads, BLAS) and {@code "rnn"}, a list of
 * {@code {"config": "A", "desc": ..., "infer": {"median_ms": ..., "iters": ...}, "train": {...}}}. Only the
 * entries of configs A–E are read; others (the anchors' A-cellloop, A-phased) are skipped. Read are
 * {@code rnn[].config}, {@code rnn[].infer.median_ms}, {@code rnn[].train.median_ms} and, when present,
 * {@code rnn[].infer.iters}, {@code env.torch}, {@code env.torch_threads} and {@code env.openblas.core}
 * ({@code "openblas": null}: no OpenBLAS was loaded).
 *
 * @param file    where it was read from
 * @param about   one line on what was measured, e.g. "torch 1.13.0a0, 2 threads, OpenBLAS Cooperlake"
 * @param threads torch's thread count, or 0 when the file does not say
 * @param results per config letter, in the file's order
 */
record PyTorchAnchors(Path file, String about, int threads, Map<String, Result> results) {

    /** PyTorch's median times of one config. */
    record Result(String config, double inferMs, double trainMs, int iters) {
    }

    /**
     * Reads and checks a results file.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if it is not JSON or not in bench_configs.py's format; the message is one
     *                                  sentence naming the file and what is missing
     */
    static PyTorchAnchors read(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a PyTorch anchor file: it is not UTF-8 text");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.MalformedJsonException e) {
            throw new IllegalArgumentException(file + " is not a PyTorch anchor file: it is not valid JSON ("
                    + e.getMessage() + ")");
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("rnn") instanceof List<?> rnn)) {
            throw bad(file, "it has no \"rnn\" list of results; expected the JSON that"
                    + " bench/pytorch/bench_configs.py --out (or the anchors' bench_rnn.py --out) writes");
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (int i = 0; i < rnn.size(); i++) {
            if (!(rnn.get(i) instanceof Map<?, ?> entry) || !(entry.get("config") instanceof String config)) {
                throw bad(file, "entry " + i + " of \"rnn\" has no \"config\" name");
            }
            if (!BenchConfig.ANCHORS.containsKey(config)) {
                continue;
            }
            double infer = positive(file, entry, config, "infer", "median_ms");
            double train = positive(file, entry, config, "train", "median_ms");
            Object iters = entry.get("infer") instanceof Map<?, ?> m ? m.get("iters") : null;
            results.put(config, new Result(config, infer, train, iters instanceof Number n ? n.intValue() : 0));
        }
        if (results.isEmpty()) {
            throw bad(file, "it holds no results for configs " + String.join(", ", BenchConfig.ANCHORS.keySet()));
        }
        Map<?, ?> env = top.get("env") instanceof Map<?, ?> e ? e : Map.of();
        int threads = env.get("torch_threads") instanceof Number n ? n.intValue() : 0;
        return new PyTorchAnchors(file, describe(env, threads), threads, results);
    }

    private static double positive(Path file, Map<?, ?> entry, String config, String part, String key) {
        Object v = entry.get(part) instanceof Map<?, ?> m ? m.get(key) : null;
        if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw bad(file, "config " + config + " has no positive number at " + part + "." + key);
        }
        return n.doubleValue();
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + " is not a PyTorch anchor file: " + what);
    }

    private static String describe(Map<?, ?> env, int threads) {
        StringBuilder s = new StringBuilder("torch " + (env.get("torch") instanceof String v ? v : "(version unknown)"));
        if (threads > 0) {
            s.append(", ").append(threads).append(threads == 1 ? " thread" : " threads");
        }
        if (env.get("openblas") instanceof Map<?, ?> ob && ob.get("core") instanceof String core) {
            s.append(", OpenBLAS ").append(core);
        } else if (env.containsKey("openblas")) {
            s.append(", BLAS without OpenBLAS (reference BLAS?)");
        }
        return s.toString();
    }
}
