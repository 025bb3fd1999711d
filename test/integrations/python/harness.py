"""Test harness for integrations/python/datatrace_training_log.py: reads one JSON command on stdin, prints JSON.

Commands:
  {"op": "canonical", "texts": [json text, ...]}  -> [{"ok": canonical} | {"error": message}, ...]
  {"op": "write", "path": p, "entries": json text of a list}  -> {"head": last head}
  {"op": "digest", "path": p}  -> {"datatrace": ..., "modelSigning": ...}
  {"op": "callback", "dir": d, "log": p, "datasets": [...]}  -> {"head": ..., "checkpoints": [...]}
"""
import json
import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "integrations", "python"))
import datatrace_training_log as dt  # noqa: E402


def main() -> None:
    command = json.loads(sys.stdin.read())
    op = command["op"]
    if op == "canonical":
        out = []
        for text in command["texts"]:
            try:
                out.append({"ok": dt.canonical_json(json.loads(text))})
            except dt.CanonicalJsonError as error:
                out.append({"error": str(error)})
        print(json.dumps(out))
    elif op == "write":
        with dt.TrainingLogWriter(command["path"]) as writer:
            for entry in json.loads(command["entries"]):
                writer.append(entry)
        print(json.dumps({"head": writer.head}))
    elif op == "digest":
        print(json.dumps({"digest": dt.weights_digest(command["path"])}))
    elif op == "callback":
        # A Trainer-like run: 2 epochs of 2 steps, a save every 2 steps (the files a Trainer would write), logs every step.
        out_dir = command["dir"]
        cb = dt.DatatraceTrainingLogCallback(
            command["log"], trainer_name="hf-trainer-sim", trainer_version="4.0", datasets=command["datasets"], seed=42,
        )
        args = SimpleNamespace(output_dir=out_dir, learning_rate=5e-5, num_train_epochs=2, per_device_train_batch_size=8, report_to=["none"], nan_value=float("nan"))
        state = SimpleNamespace(global_step=0, epoch=0.0)
        control = SimpleNamespace()
        cb.on_init_end(args, state, control)
        cb.on_train_begin(args, state, control)
        checkpoints = []
        for epoch in range(2):
            cb.on_epoch_begin(args, state, control)
            for _ in range(2):
                cb.on_step_begin(args, state, control)
                state.global_step += 1
                cb.log_batch(state.global_step, command["batches"][state.global_step - 1])
                cb.on_step_end(args, state, control)
                cb.on_log(args, state, control, logs={"loss": 1.0 / state.global_step, "learning_rate": 5e-5, "note": "text is dropped"})
            state.epoch = float(epoch + 1)
            cb.on_epoch_end(args, state, control)
            ckpt = os.path.join(out_dir, f"checkpoint-{state.global_step}")
            os.makedirs(ckpt, exist_ok=True)
            with open(os.path.join(ckpt, "model.safetensors"), "wb") as f:
                f.write(bytes([epoch]) * 100)
            with open(os.path.join(ckpt, "config.json"), "w") as f:
                f.write('{"epoch": %d}' % epoch)
            cb.on_save(args, state, control)
            checkpoints.append(ckpt)
        cb.on_train_end(args, state, control)
        print(json.dumps({"head": cb.head, "checkpoints": checkpoints}))
    else:
        raise SystemExit(f"unknown op {op}")


if __name__ == "__main__":
    main()
