"""The peer: the classify service a Python team would write with Celery in an afternoon. One task
takes the photo's bytes, decodes and preprocesses them with Pillow + NumPy (bench/lib's
`pillow_preprocess`: draft, resize 256, centre crop 224, normalise) and runs models/mobilenet_v2.onnx
in ONNX Runtime on one thread; its result (the top-1 class index) goes to the Redis result backend.

Started by bench/peers.d/run.py as `celery -A peer_tasks worker …` with PEERS_REDIS_URL and
PEERS_MODEL set; the client side imports it for `classify.apply_async`. Verification venv only.
"""
import os
import pathlib
import sys

import numpy as np
from celery import Celery

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from pillow_reference import pillow_preprocess  # noqa: E402

REDIS_URL = os.environ.get("PEERS_REDIS_URL", "redis://127.0.0.1:6379/0")
app = Celery("peers", broker=REDIS_URL, backend=REDIS_URL)
# Bytes travel pickled (JSON would need base64 on top of kombu's own); a message is acknowledged
# after its task ran, as Roost acknowledges after the result is written; Celery's default prefetch.
app.conf.update(task_serializer="pickle", result_serializer="json", accept_content=["pickle", "json"],
                result_expires=3600, task_acks_late=True, broker_connection_retry_on_startup=True)

_session = None


def session():
    """One ONNX Runtime session per worker process, made on its first task (prefork children
    must not inherit one made before the fork)."""
    global _session
    if _session is None:
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        _session = ort.InferenceSession(os.environ["PEERS_MODEL"], options, providers=["CPUExecutionProvider"])
    return _session


@app.task(name="peers.classify")
def classify(data):
    """Top-1 ImageNet class index of the JPEG `data`."""
    logits = session().run(["logits"], {"input": pillow_preprocess(data)})[0]
    return int(np.argmax(logits))
