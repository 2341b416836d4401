#!/usr/bin/env python3
"""Converts torchvision's MobileNetV2 ImageNet weights (mobilenet_v2-b0353104.pth) to ONNX.

Verification-only tooling, run by scripts/fetch-models.sh with the .venv-verify python:

    "$(scripts/venv.sh)" scripts/convert_mobilenet_v2.py \
        --weights .cache/models-work/mobilenet_v2-b0353104.pth --output models/mobilenet_v2.onnx \
        [--check-image .cache/fixtures/eagle.jpg]

The .pth file uses PyTorch's LEGACY (pre-1.6, non-zip) serialization, which we read without
torch: a sequence of pickles (magic number, protocol version, system info, the state dict whose
tensors refer to storages by persistent id, the list of storage keys) followed by each storage's
raw bytes (little-endian int64 element count, then the elements).

The graph mirrors torchvision.models.MobileNetV2 (width 1.0): BatchNormalization nodes are kept
(Roost's engine folds them into the convolutions), ReLU6 is Clip(0, 6), Dropout is omitted
(inference), input "input" [1,3,224,224] float32 NCHW, output "logits" [1,1000].
"""
import argparse
import collections
import io
import pickle
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
EXPECTED_PARAMETERS = 3_504_872
BN_EPSILON = 1e-5  # torch.nn.BatchNorm2d's default, which torchvision's MobileNetV2 uses.

# torch storage class name -> numpy little-endian dtype.
STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2",
    "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2",
    "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}

# torchvision's inverted-residual settings: expansion t, output channels c, repeats n, first stride s.
INVERTED_RESIDUAL_SETTINGS = [
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
    (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
]


class StorageType:
    """Stands in for torch.FloatStorage etc.: only its element dtype matters here."""

    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(STORAGE_DTYPES[name])


class StorageRef:
    """A storage named in the pickle; its bytes arrive after the pickles."""

    def __init__(self, key, storage_type, size):
        self.key, self.dtype, self.size = key, storage_type.dtype, size
        self.array = None


class TensorRef:
    """What _rebuild_tensor_v2 produces: a strided view into a storage, materialised later."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def materialise(self):
        base = self.storage.array
        if base is None:
            raise ValueError(f"storage {self.storage.key} has no data")
        if len(self.size) == 0:
            return base[self.offset].copy()
        item = base.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset:], shape=self.size, strides=[s * item for s in self.stride])
        return np.ascontiguousarray(view)


def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, *rest):
    return TensorRef(storage, storage_offset, size, stride)


class LegacyTorchUnpickler(pickle.Unpickler):
    """Resolves only the few globals a state dict needs; anything else is refused (no code runs)."""

    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return StorageType(name)
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, size, view_metadata)
        if not isinstance(pid, tuple) or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, size, view_metadata = pid
        if view_metadata is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        if key not in self.storages:
            self.storages[key] = StorageRef(key, storage_type, size)
        return self.storages[key]


def load_legacy_state_dict(path):
    """Reads a legacy-format .pth state dict into an ordered {name: numpy array}."""
    with open(path, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    storages = {}

    def plain_load():
        return LegacyTorchUnpickler(stream, storages).load()

    if plain_load() != LEGACY_MAGIC:
        raise ValueError("not a legacy PyTorch file (bad magic number)")
    if plain_load() != LEGACY_PROTOCOL:
        raise ValueError("unsupported legacy protocol version")
    sys_info = plain_load()
    if not sys_info.get("little_endian", True):
        raise ValueError("big-endian files are not supported")
    state = plain_load()
    keys = plain_load()
    for key in keys:
        storage = storages[key]
        (count,) = struct.unpack("<q", stream.read(8))
        if count != storage.size:
            raise ValueError(f"storage {key}: {count} elements on disk, {storage.size} in the pickle")
        nbytes = count * storage.dtype.itemsize
        raw = stream.read(nbytes)
        if len(raw) != nbytes:
            raise ValueError(f"storage {key} is truncated")
        storage.array = np.frombuffer(raw, dtype=storage.dtype).astype(storage.dtype.newbyteorder("="))
    if stream.read(1):
        raise ValueError("trailing bytes after the last storage")
    return collections.OrderedDict((name, t.materialise()) for name, t in state.items())


class GraphBuilder:
    """Accumulates ONNX nodes and initialisers with readable, unique names."""

    def __init__(self, weights):
        self.weights = weights
        self.used = set()
        self.nodes, self.initializers = [], []

    def initializer(self, name, array):
        self.used.add(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def conv(self, x, prefix, stride, groups):
        w = self.weights[prefix + ".weight"]
        k = w.shape[2]
        out = prefix + ".out"
        self.nodes.append(helper.make_node(
            "Conv", [x, self.initializer(prefix + ".weight", w)], [out], name=prefix,
            kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4, group=groups))
        return out

    def batch_norm(self, x, prefix):
        inputs = [x] + [self.initializer(f"{prefix}.{p}", self.weights[f"{prefix}.{p}"])
                        for p in ("weight", "bias", "running_mean", "running_var")]
        self.used.add(prefix + ".num_batches_tracked")
        out = prefix + ".out"
        self.nodes.append(helper.make_node("BatchNormalization", inputs, [out], name=prefix, epsilon=BN_EPSILON))
        return out

    def relu6(self, x, prefix):
        if "relu6.min" not in self.used:
            self.initializer("relu6.min", np.array(0.0))
            self.initializer("relu6.max", np.array(6.0))
        out = prefix + ".relu6"
        self.nodes.append(helper.make_node("Clip", [x, "relu6.min", "relu6.max"], [out], name=prefix + ".relu6"))
        return out

    def conv_bn_relu6(self, x, prefix, stride, groups=1):
        """torchvision's ConvBNReLU: prefix.0 is the convolution, prefix.1 the batch norm."""
        y = self.conv(x, prefix + ".0", stride, groups)
        y = self.batch_norm(y, prefix + ".1")
        return self.relu6(y, prefix)

    def inverted_residual(self, x, prefix, in_ch, out_ch, stride, expansion):
        hidden = in_ch * expansion
        y, i = x, 0
        if expansion != 1:
            y = self.conv_bn_relu6(y, f"{prefix}.conv.{i}", 1)
            i += 1
        y = self.conv_bn_relu6(y, f"{prefix}.conv.{i}", stride, groups=hidden)
        y = self.conv(y, f"{prefix}.conv.{i + 1}", 1, 1)
        y = self.batch_norm(y, f"{prefix}.conv.{i + 2}")
        if stride == 1 and in_ch == out_ch:
            out = prefix + ".add"
            self.nodes.append(helper.make_node("Add", [x, y], [out], name=prefix + ".add"))
            y = out
        return y


def build_model(weights):
    """Builds the MobileNetV2 ONNX model from the state dict."""
    g = GraphBuilder(weights)
    x = g.conv_bn_relu6("input", "features.0", 2)
    in_ch, index = 32, 1
    for t, c, n, s in INVERTED_RESIDUAL_SETTINGS:
        for r in range(n):
            x = g.inverted_residual(x, f"features.{index}", in_ch, c, s if r == 0 else 1, t)
            in_ch, index = c, index + 1
    x = g.conv_bn_relu6(x, f"features.{index}", 1)
    g.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pool"))
    g.nodes.append(helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten", axis=1))
    g.nodes.append(helper.make_node(
        "Gemm", ["flat", g.initializer("classifier.1.weight", weights["classifier.1.weight"]),
                 g.initializer("classifier.1.bias", weights["classifier.1.bias"])],
        ["logits"], name="classifier.1", transB=1))

    unused = set(weights) - g.used
    if unused:
        raise ValueError(f"weights not used by the graph: {sorted(unused)[:5]}")
    graph = helper.make_graph(
        g.nodes, "mobilenet_v2",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="roost convert_mobilenet_v2.py")
    model.ir_version = 8  # readable by older runtimes too; opset 13 needs IR >= 7.
    model.doc_string = "torchvision MobileNetV2 ImageNet-1k weights mobilenet_v2-b0353104 (BSD-3-Clause)"
    onnx.checker.check_model(model, full_check=True)
    return model


def count_parameters(weights):
    """Trainable parameters: everything except batch-norm running statistics."""
    return sum(a.size for name, a in weights.items()
               if not name.endswith(("running_mean", "running_var", "num_batches_tracked")))


def preprocess_with_pillow(path):
    """ImageNet preprocessing: shorter side 256, centre crop 224, mean/std normalisation, NCHW."""
    from PIL import Image
    image = Image.open(path)
    image.draft("RGB", (256, 256))
    image = image.convert("RGB")
    w, h = image.size
    scale = 256 / min(w, h)
    image = image.resize((max(256, round(w * scale)), max(256, round(h * scale))), Image.BILINEAR)
    w, h = image.size
    left, top = (w - 224) // 2, (h - 224) // 2
    a = np.asarray(image.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255.0
    a = (a - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    return a.transpose(2, 0, 1)[None].astype(np.float32)


def check_on_photo(model_bytes, image_path, labels_path, expected_index):
    """Runs the converted model in onnxruntime on a real photo and checks its top-1 class."""
    import onnxruntime as ort
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    logits = session.run(["logits"], {"input": preprocess_with_pillow(image_path)})[0][0]
    top = int(np.argmax(logits))
    labels = open(labels_path).read().splitlines() if labels_path else None
    name = labels[top] if labels else str(top)
    print(f"convert_mobilenet_v2: {image_path}: top-1 {top} ({name})")
    if top != expected_index:
        raise SystemExit(f"convert_mobilenet_v2: expected class {expected_index}, got {top}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--check-image", help="a photo whose top-1 class must be --check-index")
    parser.add_argument("--check-index", type=int, default=22, help="default: 22, bald eagle")
    parser.add_argument("--labels", help="ImageNet label file, for the check's message")
    args = parser.parse_args()

    weights = load_legacy_state_dict(args.weights)
    parameters = count_parameters(weights)
    if parameters != EXPECTED_PARAMETERS:
        raise SystemExit(f"convert_mobilenet_v2: {parameters} parameters, expected {EXPECTED_PARAMETERS}")
    model = build_model(weights)
    data = model.SerializeToString()
    if args.check_image:
        check_on_photo(data, args.check_image, args.labels, args.check_index)
    with open(args.output, "wb") as f:
        f.write(data)
    print(f"convert_mobilenet_v2: {len(weights)} tensors, {parameters} parameters, "
          f"{len(model.graph.node)} nodes -> {args.output}")


if __name__ == "__main__":
    sys.exit(main())
