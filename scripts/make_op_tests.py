#!/usr/bin/env python3
"""Reference data for the inference engine tests, produced with ONNX Runtime (verification only).

    python="$(scripts/venv.sh)"; "$python" scripts/make_op_tests.py [optests|models|all]

optests: small ONNX graphs built with onnx.helper (one per operator variant), random inputs, and
         ONNX Runtime's outputs, written to .cache/optests/<case>/.
models:  YuNet, SFace and MobileNetV2 from models/ run on tensors made from a real photo
         (.cache/fixtures/person.jpg, dog.jpg from Debian's darknet package), to .cache/modeltests/<name>/.

Each case directory holds case.json ({"model": path, "inputs": [...], "outputs": [...]}, each entry
{"name", "shape", "file"}) and raw little-endian float32 files. Tests run this script when data is missing.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
RNG = np.random.default_rng(20261122)
ort.set_default_logger_severity(3)


def f32(shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def init(name, array, raw=True):
    """An initializer; raw=False stores it in the typed repeated fields (float_data/int32_data/int64_data)."""
    if raw:
        return numpy_helper.from_array(array, name)
    dtype = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int64): TensorProto.INT64,
             np.dtype(np.int8): TensorProto.INT8, np.dtype(np.uint8): TensorProto.UINT8,
             np.dtype(np.int32): TensorProto.INT32}[array.dtype]
    return helper.make_tensor(name, dtype, array.shape, array.ravel().tolist(), raw=False)


def write_case(directory, model_path, feeds, session=None):
    directory.mkdir(parents=True, exist_ok=True)
    if session is None:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    results = session.run(names, feeds)
    entries = {"inputs": [], "outputs": []}
    for kind, pairs in (("inputs", feeds.items()), ("outputs", zip(names, results))):
        for i, (name, value) in enumerate(pairs):
            file = f"{kind[:-1]}{i}.f32"
            np.ascontiguousarray(value, dtype="<f4").tofile(directory / file)
            entries[kind].append({"name": name, "shape": list(value.shape), "file": file})
    entries["model"] = os.path.relpath(model_path, ROOT)
    (directory / "case.json").write_text(json.dumps(entries, indent=1))


def graph_case(name, nodes, inputs, outputs, initializers=(), opset=13):
    """Builds a model from nodes; inputs/outputs are {name: shape} (output shapes may be None)."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs.items()],
        list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10 if opset >= 21 else 8
    directory = ROOT / ".cache/optests" / name
    directory.mkdir(parents=True, exist_ok=True)
    onnx.save(model, directory / "model.onnx")
    write_case(directory, directory / "model.onnx", {n: f32(s) for n, s in inputs.items()})


def conv(name, x, w_shape, bias=True, followers=(), **attrs):
    """Conv (+ optional following nodes, to exercise fusion) on input x."""
    inits = [init("W", f32(w_shape, 0.5))] + ([init("B", f32([w_shape[0]]))] if bias else [])
    nodes = [helper.make_node("Conv", ["X", "W"] + (["B"] if bias else []), ["c0"], **attrs)]
    last = "c0"
    for i, (op, extra_inputs, extra_inits, node_attrs) in enumerate(followers):
        out = f"c{i + 1}"
        nodes.append(helper.make_node(op, [last] + extra_inputs, [out], **node_attrs))
        inits += extra_inits
        last = out
    nodes.append(helper.make_node("Identity", [last], ["Y"]))
    graph_case(name, nodes, {"X": x}, {"Y": None}, inits)


def bn_follower(channels):
    names = ["bn_s", "bn_b", "bn_m", "bn_v"]
    values = [f32([channels]), f32([channels]), f32([channels]), np.abs(f32([channels])) + 0.5]
    return ("BatchNormalization", names, [init(n, v) for n, v in zip(names, values)], {"epsilon": 1e-3})


def op_cases():
    conv("conv_basic", [1, 3, 9, 11], [4, 3, 3, 3], pads=[1, 1, 1, 1])
    conv("conv_strided_dilated", [1, 4, 13, 12], [6, 4, 3, 3], bias=False,
         strides=[2, 2], dilations=[2, 1], pads=[1, 2, 0, 1])
    conv("conv_group", [1, 6, 10, 10], [9, 2, 3, 3], group=3, pads=[1, 1, 1, 1])
    conv("conv_depthwise_s1_relu", [1, 8, 17, 19], [8, 1, 3, 3], group=8, pads=[1, 1, 1, 1],
         followers=[("Relu", [], [], {})])
    conv("conv_depthwise_s2_clip", [1, 8, 18, 21], [8, 1, 3, 3], group=8, pads=[1, 1, 1, 1], strides=[2, 2],
         followers=[bn_follower(8), ("Clip", ["lo", "hi"], [init("lo", np.array(0, np.float32)),
                                                             init("hi", np.array(0.7, np.float32))], {})])
    conv("conv_depthwise_5x5", [1, 5, 12, 9], [5, 1, 5, 5], group=5, pads=[2, 2, 2, 2])
    conv("conv_depthwise_unpadded", [1, 4, 9, 30], [4, 1, 3, 3], group=4, strides=[2, 2])
    # Pads of 2 (every filter column shifted) and TFLite's SAME for stride 2 (pad only after).
    conv("conv_depthwise_pad2", [1, 6, 10, 13], [6, 1, 3, 3], group=6, pads=[2, 2, 2, 2],
         followers=[("Relu", [], [], {})])
    conv("conv_depthwise_s2_pad_after", [1, 6, 16, 15], [6, 1, 3, 3], group=6, pads=[0, 0, 1, 1], strides=[2, 2])
    conv("conv_pointwise_bn_prelu", [1, 20, 7, 9], [13, 20, 1, 1], bias=False,
         followers=[bn_follower(13), ("PRelu", ["slope"], [init("slope", f32([13, 1, 1]) * 0.3)], {})])
    conv("conv_pointwise_wide", [1, 33, 16, 20], [70, 33, 1, 1])
    conv("conv_same_upper", [1, 3, 10, 9], [5, 3, 3, 3], auto_pad="SAME_UPPER", strides=[2, 2])
    conv("conv_valid", [1, 3, 10, 9], [5, 3, 2, 3], auto_pad="VALID")

    graph_case("gemm_transb", [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transB=1, alpha=0.5, beta=2.0)],
               {"A": [3, 37]}, {"Y": None}, [init("B", f32([4, 37])), init("C", f32([4]))])
    graph_case("gemm_transa", [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transA=1)],
               {"A": [5, 3]}, {"Y": None}, [init("B", f32([5, 4]), raw=False), init("C", f32([3, 4]))])

    graph_case("broadcast_add", [helper.make_node("Add", ["A", "b"], ["Y"])],
               {"A": [2, 3, 4, 5]}, {"Y": None}, [init("b", f32([3, 1, 1]))])
    graph_case("broadcast_mul_both", [helper.make_node("Mul", ["A", "B"], ["Y"])],
               {"A": [1, 3, 1, 5], "B": [2, 1, 4, 1]}, {"Y": None})
    graph_case("broadcast_sub_scalar", [helper.make_node("Sub", ["A", "s"], ["t"]),
                                        helper.make_node("Mul", ["t", "m"], ["Y"])],
               {"A": [2, 3, 4, 5]}, {"Y": None}, [init("s", np.array([0.5], np.float32)),
                                                    init("m", np.array(1.5, np.float32), raw=False)])
    graph_case("prelu_bn_standalone", [helper.make_node("Add", ["A", "A"], ["a2"]),
                                       helper.make_node("PRelu", ["a2", "slope"], ["p"]),
                                       helper.make_node("BatchNormalization", ["p", "s", "b", "m", "v"], ["Y"])],
               {"A": [1, 4, 3, 5]}, {"Y": None},
               [init("slope", f32([4, 1, 1])), init("s", f32([4])), init("b", f32([4])), init("m", f32([4])),
                init("v", np.abs(f32([4])) + 0.1)])

    def resize(name, attrs, scales=None, sizes=None, shape=(1, 2, 5, 7)):
        inits = [init("roi", np.zeros([0], np.float32))]
        ins = ["X", "roi"]
        if scales is not None:
            inits.append(init("scales", np.array(scales, np.float32))); ins.append("scales")
        else:
            inits.append(init("scales", np.zeros([0], np.float32))); ins.append("scales")
            inits.append(init("sizes", np.array(sizes, np.int64))); ins.append("sizes")
        graph_case(name, [helper.make_node("Resize", ins, ["Y"], **attrs)], {"X": list(shape)}, {"Y": None}, inits)

    resize("resize_nearest_asymmetric_floor", {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
                                               "nearest_mode": "floor"}, scales=[1, 1, 2, 2])
    resize("resize_nearest_half_pixel", {"mode": "nearest"}, sizes=[1, 2, 8, 11])
    resize("resize_linear_half_pixel", {"mode": "linear"}, scales=[1, 1, 1.5, 2])
    resize("resize_linear_align_corners", {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
           sizes=[1, 2, 9, 4])

    graph_case("maxpool_2x2", [helper.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[2, 2], strides=[2, 2])],
               {"X": [1, 3, 8, 10]}, {"Y": None})
    graph_case("maxpool_2x2_wide", [helper.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[2, 2], strides=[2, 2])],
               {"X": [1, 3, 12, 41]}, {"Y": None})
    graph_case("maxpool_3x3_pad_ceil", [helper.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[3, 3], strides=[2, 2],
                                                         pads=[1, 1, 1, 1], ceil_mode=1)],
               {"X": [1, 2, 9, 10]}, {"Y": None})
    graph_case("gap_flatten_gemm", [helper.make_node("GlobalAveragePool", ["X"], ["g"]),
                                    helper.make_node("Flatten", ["g"], ["f"], axis=1),
                                    helper.make_node("Gemm", ["f", "W", "b"], ["Y"], transB=1)],
               {"X": [1, 40, 7, 7]}, {"Y": None}, [init("W", f32([10, 40])), init("b", f32([10]))])
    graph_case("transpose_reshape_concat_sigmoid",
               [helper.make_node("Transpose", ["X"], ["t"], perm=[0, 2, 3, 1]),
                helper.make_node("Reshape", ["t", "shape"], ["r"]),
                helper.make_node("Sigmoid", ["r"], ["s"]),
                helper.make_node("Concat", ["s", "Z"], ["Y"], axis=1),
                helper.make_node("Dropout", ["Y"], ["D"])],
               {"X": [1, 4, 3, 5], "Z": [1, 7, 4]}, {"Y": None, "D": None},
               [init("shape", np.array([0, -1, 4], np.int64), raw=False)])

    # Quantised weights, folded at load: block (opset 21), per-axis and per-tensor DequantizeLinear.
    q = RNG.integers(-128, 128, size=[8, 27]).astype(np.int8)
    graph_case("dequantize_block_conv",
               [helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["wd"], axis=1, block_size=9),
                helper.make_node("Reshape", ["wd", "wshape"], ["W"]),
                helper.make_node("Conv", ["X", "W"], ["Y"], pads=[1, 1, 1, 1])],
               {"X": [1, 3, 6, 7]}, {"Y": None},
               [init("q", q), init("qs", np.abs(f32([8, 3], 0.01))), init("qz", RNG.integers(-5, 5, [8, 3]).astype(np.int8), raw=False),
                init("wshape", np.array([8, 3, 3, 3], np.int64))], opset=21)
    graph_case("dequantize_block_axis0_gemm",
               [helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["B"], axis=0, block_size=4),
                helper.make_node("Gemm", ["A", "B"], ["Y"])],
               {"A": [2, 10]}, {"Y": None},
               [init("q", RNG.integers(-128, 128, size=[10, 6]).astype(np.int8)), init("qs", np.abs(f32([3, 6], 0.02))),
                init("qz", RNG.integers(-3, 3, [3, 6]).astype(np.int8))], opset=21)
    graph_case("dequantize_per_axis_and_tensor",
               [helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["B"], axis=1),
                helper.make_node("DequantizeLinear", ["u", "us", "uz"], ["C"]),
                helper.make_node("Gemm", ["A", "B", "C"], ["Y"])],
               {"A": [3, 5]}, {"Y": None},
               [init("q", RNG.integers(-128, 128, size=[5, 6]).astype(np.int8)), init("qs", np.abs(f32([6], 0.02))),
                init("qz", RNG.integers(-3, 3, [6]).astype(np.int8)),
                init("u", RNG.integers(0, 256, size=[6]).astype(np.uint8)), init("us", np.array(0.05, np.float32)),
                init("uz", np.array(128, np.uint8))], opset=13)


def photo(name):
    from PIL import Image
    path = ROOT / ".cache/fixtures" / name
    if not path.exists():
        downloads = Path(os.environ.get("ROOST_CACHE_DIR", Path.home() / ".cache/roost")) / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        subprocess.run("apt-get download darknet", shell=True, cwd=downloads, check=True)
        deb = sorted(downloads.glob("darknet_*.deb"))[-1]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(downloads / "darknet")], check=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((downloads / "darknet/usr/share/darknet/data" / name).read_bytes())
    return Image.open(path).convert("RGB")


def ort_session(path, directory, dynamic_input=False):
    """A session on `path`, with two rewrites ONNX Runtime 1.31 needs, made in a copy (reference.onnx):
    single-block DequantizeLinear (a one-element scale with block_size, valid ONNX that it rejects)
    becomes the equivalent per-tensor form, and unused graph inputs are removed."""
    model = onnx.load(path)
    inits = {t.name: t for t in model.graph.initializer}
    changed = 0
    for node in model.graph.node:
        scale = inits.get(node.input[1]) if node.op_type == "DequantizeLinear" else None
        if scale is not None and int(np.prod(scale.dims)) == 1 and any(a.name == "block_size" for a in node.attribute):
            kept = [a for a in node.attribute if a.name not in ("block_size", "axis")]
            del node.attribute[:]
            node.attribute.extend(kept)
            for name in node.input[1:]:
                scalar = numpy_helper.from_array(numpy_helper.to_array(inits[name]).reshape(()), name)
                inits[name].CopyFrom(scalar)
            changed += 1
    # Declared inputs that no node reads (SFace keeps its pre-quantisation weight names) are dropped.
    used = {name for node in model.graph.node for name in node.input}
    unused = [i for i in model.graph.input if i.name not in used]
    for i in unused:
        model.graph.input.remove(i)
    changed += len(unused)
    if dynamic_input:
        for i, name in ((2, "height"), (3, "width")):
            dim = model.graph.input[0].type.tensor_type.shape.dim[i]
            dim.ClearField("dim_value")
            dim.dim_param = name
        changed += 1
    if changed:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "reference.onnx"
        onnx.save(model, path)
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def model_cases():
    out = ROOT / ".cache/modeltests"
    person = photo("person.jpg")
    # YuNet: BGR pixel values 0-255, NCHW, at the model's 640×640 input size.
    bgr = np.asarray(person.resize((640, 640)), np.float32)[:, :, ::-1]
    yunet = ROOT / "models/face_detection_yunet_2023mar_int8bq.onnx"
    if yunet.exists():
        write_case(out / "yunet", yunet, {"input": np.ascontiguousarray(bgr.transpose(2, 0, 1)[None])},
                   ort_session(yunet, out / "yunet"))
        # The same graph at 480×640 (H×W): YuNet's reshapes use -1, so any multiple of 32 works.
        small = np.asarray(person.resize((640, 480)), np.float32)[:, :, ::-1]
        write_case(out / "yunet_480x640", yunet, {"input": np.ascontiguousarray(small.transpose(2, 0, 1)[None])},
                   ort_session(yunet, out / "yunet_480x640", dynamic_input=True))
    # SFace: a 112×112 crop around the person's head, 0-255 (the model normalises internally).
    sface = ROOT / "models/face_recognition_sface_2021dec_int8bq.onnx"
    if sface.exists():
        crop = np.asarray(person.crop((180, 80, 290, 190)).resize((112, 112)), np.float32)[:, :, ::-1]
        write_case(out / "sface", sface, {"data": np.ascontiguousarray(crop.transpose(2, 0, 1)[None])},
                   ort_session(sface, out / "sface"))
    # MobileNetV2: ImageNet preprocessing (resize 256, centre crop 224, mean/std) of dog.jpg.
    mobilenet = ROOT / "models/mobilenet_v2.onnx"
    if mobilenet.exists():
        dog = photo("dog.jpg")
        scale = 256 / min(dog.size)
        dog = dog.resize((round(dog.size[0] * scale), round(dog.size[1] * scale)), resample=2)
        left, top = (dog.size[0] - 224) // 2, (dog.size[1] - 224) // 2
        rgb = np.asarray(dog.crop((left, top, left + 224, top + 224)), np.float32) / 255
        rgb = (rgb - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
        write_case(out / "mobilenet_v2", mobilenet,
                   {"input": np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], dtype=np.float32)},
                   ort.InferenceSession(str(mobilenet), providers=["CPUExecutionProvider"]))


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("optests", "all"):
        op_cases()
    if what in ("models", "all"):
        model_cases()
