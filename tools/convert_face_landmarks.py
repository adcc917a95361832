"""Builds models/face_landmarks.onnx from the landmark model that MediaPipe's own wheel ships.

The face node's ``landmark_backend: onnx`` runs the 478-point attention mesh that
``FaceMesh(refine_landmarks=True)`` runs (mediapipe 0.10.21's
``modules/face_landmark/face_landmark_with_attention.tflite``, Apache-2.0) through onnxruntime,
so that all the faces of a frame take one call, on the CPU or a GPU. MediaPipe offers no batch and
no GPU on Linux; this converter rewrites the tflite graph op by op as ONNX with a dynamic batch:

- the input stays NHWC like the tflite one: ``input_1`` float32 [N, 192, 192, 3], RGB in [0, 1];
  the graph runs NCHW inside;
- fp16 weights (DEQUANTIZE) are folded to fp32;
- PReLU is written as ``alpha * x + (1 - alpha) * Relu(x)``: equal up to float rounding
  (<= 2e-4 px), and 1.6x faster in onnxruntime, whose per-channel PRelu breaks its NCHWc layout;
- MediaPipe's three custom ops (Landmarks2TransformMatrix, TransformTensorBilinear and
  TransformLandmarks, v2) are re-expressed with standard ops following
  ``mediapipe/util/tflite/operations/*.cc``; the bilinear read uses Floor and GatherElements,
  not GridSample, so that onnx2torch can convert the file too;
- MediaPipe's landmark refinement (the lips, eyes and irises replacing the mesh's points;
  tables in face_landmark_refinement.json beside this file) is appended as the output
  ``landmarks`` [N, 478, 3], in 192x192 crop pixels, z on x's scale, and the face flag as
  ``face_presence`` [N] (its sigmoid). The tflite's own outputs stay as further outputs.

The output is byte-identical on every run (fixed node names, no timestamps). Not a run-time
dependency: it needs ``tflite`` (the flatbuffer schema; tested with 2.18.0), ``flatbuffers``
and ``onnx`` (1.22), and mediapipe's wheel for the .tflite file; no tensorflow.

    pip install tflite==2.18.0
    .venv/bin/python tools/convert_face_landmarks.py [--mediapipe-dir DIR] [--out FILE]

models/face_landmarks.yaml carries the file's sha256, which the face node checks: update it
after a conversion that changes the file.
"""

import argparse
import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import tflite
from flatbuffers import flexbuffers
from onnx import TensorProto, helper, numpy_helper
from tflite.BuiltinOperator import BuiltinOperator

OPSET = 17  # onnx2torch does not cover some ops of newer opsets
TFLITE = "modules/face_landmark/face_landmark_with_attention.tflite"
REFINEMENT = Path(__file__).with_name("face_landmark_refinement.json")
OUT = Path(__file__).resolve().parents[1] / "models" / "face_landmarks.onnx"
OP_NAMES = {v: k for k, v in BuiltinOperator.__dict__.items() if not k.startswith("_")}
NP_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 4: np.int64}
NCHW, PLAIN = "nchw", "plain"  # the layout of an ONNX value: a 4-D activation, or as in tflite


def mediapipe_dir() -> Path:
    """The installed mediapipe package's folder, found without importing it (a second)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or spec.origin is None:
        raise SystemExit("mediapipe is not installed here: pass --mediapipe-dir")
    return Path(spec.origin).parent


def same_pads(
    size: list[int], kernel: list[int], stride: list[int], dilation: list[int]
) -> list[int]:
    """ONNX pads (begins, then ends) for tflite's SAME padding."""
    begins, ends = [], []
    for n, k, s, d in zip(size, kernel, stride, dilation, strict=True):
        total = max(((n + s - 1) // s - 1) * s + (k - 1) * d + 1 - n, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


class Converter:
    """One tflite subgraph to one ONNX graph, op by op, in the tflite's order."""

    def __init__(self, path: Path) -> None:
        self.model = tflite.Model.GetRootAsModel(path.read_bytes(), 0)
        self.graph = self.model.Subgraphs(0)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.const: dict[int, np.ndarray] = {}  # tflite tensor -> value, in tflite layout
        self.name: dict[int, str] = {}  # tflite tensor -> ONNX value
        self.layout: dict[str, str] = {}  # ONNX value -> NCHW or PLAIN
        self.uid = 0
        for i in range(self.graph.TensorsLength()):
            tensor = self.graph.Tensors(i)
            buffer = self.model.Buffers(tensor.Buffer())
            if buffer is not None and buffer.DataLength() > 0:
                data = np.frombuffer(buffer.DataAsNumpy().tobytes(), NP_TYPES[tensor.Type()])
                self.const[i] = data.reshape(self.shape(i)).copy()

    # --- graph building ---------------------------------------------------------------------

    def shape(self, i: int) -> list[int]:
        tensor = self.graph.Tensors(i)
        return [int(x) for x in tensor.ShapeAsNumpy()] if tensor.ShapeLength() else []

    def tensor_name(self, i: int) -> str:
        return self.graph.Tensors(i).Name().decode()

    def fresh(self, base: str) -> str:
        self.uid += 1
        return f"{base}__{self.uid}"

    def init(self, value: Any, base: str = "c") -> str:
        name = self.fresh(base)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def f32(self, value: Any) -> str:
        return self.init(np.array(value, np.float32))

    def i64(self, value: Any) -> str:
        return self.init(np.array(value, np.int64))

    def node(
        self, op: str, inputs: list[str], outputs: list[str] | None = None, **attrs: Any
    ) -> str:
        outputs = outputs or [self.fresh(op)]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=self.fresh(op), **attrs))
        return outputs[0]

    def slice(self, x: str, starts: list[int], ends: list[int], axes: list[int]) -> str:
        return self.node("Slice", [x, self.i64(starts), self.i64(ends), self.i64(axes)])

    def value(self, i: int) -> str:
        """The ONNX value of tflite tensor ``i`` (a constant becomes an initialiser)."""
        if i not in self.name:
            const = self.const[i]
            name = self.init(const.astype(np.float32) if const.dtype == np.float16 else const, "k")
            self.set_out(i, name, PLAIN)
        return self.name[i]

    def set_out(self, i: int, name: str, layout: str) -> None:
        self.name[i] = name
        self.layout[name] = layout

    def activation(self, x: str, fused: int) -> str:
        if fused == 0:
            return x
        if fused == 1:
            return self.node("Relu", [x])
        if fused == 3:
            return self.node("Clip", [x, self.f32(0), self.f32(6)])
        raise NotImplementedError(f"fused activation {fused}")

    def options(self, op: Any, cls: type) -> Any:
        options = cls()
        table = op.BuiltinOptions()
        options.Init(table.Bytes, table.Pos)
        return options

    # --- conversion -------------------------------------------------------------------------

    def convert(self, refinement: list[dict[str, Any]], parts: list[str]) -> onnx.ModelProto:
        """The whole ONNX model, with the refined ``landmarks`` and ``face_presence`` outputs."""
        (first,) = self.graph.InputsAsNumpy()
        graph_input = helper.make_tensor_value_info(
            self.tensor_name(first), TensorProto.FLOAT, ["N", *self.shape(first)[1:]]
        )
        nchw = self.node("Transpose", [self.tensor_name(first)], perm=[0, 3, 1, 2])
        self.set_out(first, nchw, NCHW)
        for k in range(self.graph.OperatorsLength()):
            self.convert_op(self.graph.Operators(k))
        outputs = []
        for i in self.graph.OutputsAsNumpy():
            name = self.name[i]
            if self.layout.get(name) == NCHW:  # back to the tflite's NHWC
                name = self.node("Transpose", [name], perm=[0, 2, 3, 1])
            self.node("Identity", [name], [self.tensor_name(i)])
            outputs.append(
                helper.make_tensor_value_info(
                    self.tensor_name(i), TensorProto.FLOAT, ["N", *self.shape(i)[1:]]
                )
            )
        outputs += self.refine(refinement, parts)
        graph = helper.make_graph(
            self.nodes, "mediapipe_face_landmark_with_attention", [graph_input], outputs,
            self.initializers,
        )  # fmt: skip
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="emotion_ros tools/convert_face_landmarks.py",
        )
        model.ir_version = 8
        return model

    def convert_op(self, op: Any) -> None:
        code = self.model.OperatorCodes(op.OpcodeIndex())
        kind = OP_NAMES[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        ins = [int(i) for i in op.InputsAsNumpy()]
        out = int(op.OutputsAsNumpy()[0])
        if kind == "CUSTOM":
            has_options = op.CustomOptionsLength() > 0
            custom = flexbuffers.Loads(bytes(op.CustomOptionsAsNumpy())) if has_options else {}
            handlers = {
                "Landmarks2TransformMatrix": self.landmarks_to_matrix,
                "TransformTensorBilinear": self.transform_tensor_bilinear,
                "TransformLandmarks": self.transform_landmarks,
            }
            handlers[code.CustomCode().decode()](ins, out, custom)
        elif kind == "DEQUANTIZE":
            self.const[out] = self.const[ins[0]].astype(np.float32)  # fp16 weights only
        elif kind == "CONV_2D":
            weights = self.const[ins[1]].astype(np.float32).transpose(0, 3, 1, 2)  # OHWI -> OIHW
            self.conv(op, self.options(op, tflite.Conv2DOptions), ins, out, weights, 1)
        elif kind == "DEPTHWISE_CONV_2D":
            weights = self.const[ins[1]].astype(np.float32).transpose(3, 0, 1, 2)  # -> C*M,1,H,W
            options = self.options(op, tflite.DepthwiseConv2DOptions)
            self.conv(op, options, ins, out, weights, self.shape(ins[0])[3])
        elif kind == "PRELU":
            x = self.value(ins[0])
            alpha = self.const[ins[1]].astype(np.float32)
            if self.layout[x] == NCHW:
                alpha = alpha.reshape(-1, 1, 1) if alpha.size > 1 else alpha.reshape(-1)
            self.set_out(out, self.prelu(x, alpha), self.layout[x])
        elif kind in ("ADD", "MUL"):
            self.add_or_mul(op, kind, ins, out)
        elif kind == "MAX_POOL_2D":
            self.max_pool(op, ins, out)
        elif kind == "PAD":
            x = self.value(ins[0])
            pads = self.const[ins[1]].astype(np.int64)  # rank x 2, NHWC order
            if self.layout[x] == NCHW:
                pads = pads[[0, 3, 1, 2]]
            assert pads[0].sum() == 0, "no batch padding"
            flat = np.concatenate([pads[:, 0], pads[:, 1]])
            self.set_out(out, self.node("Pad", [x, self.i64(flat)]), self.layout[x])
        elif kind == "RESHAPE":
            x = self.value(ins[0])
            if self.layout[x] == NCHW:
                assert self.shape(ins[0])[1:3] == [1, 1], "NCHW is flattened only when H = W = 1"
            y = self.node("Reshape", [x, self.i64([-1, *self.shape(out)[1:]])])
            self.set_out(out, y, PLAIN)
        elif kind == "STRIDED_SLICE":
            begin, end, stride = (self.const[i] for i in ins[1:4])
            identity = (stride == 1).all() and (begin == 0).all()
            assert identity and list(end) == self.shape(ins[0]), "identity strided slice only"
            x = self.value(ins[0])
            self.set_out(out, self.node("Identity", [x]), self.layout[x])
        else:
            raise NotImplementedError(kind)

    def conv(
        self, op: Any, options: Any, ins: list[int], out: int, weights: np.ndarray, group: int
    ) -> None:
        has_bias = len(ins) > 2 and ins[2] >= 0
        bias = self.const[ins[2]].astype(np.float32) if has_bias else np.zeros(weights.shape[0])
        kernel = list(weights.shape[2:])
        stride = [options.StrideH(), options.StrideW()]
        dilation = [options.DilationHFactor(), options.DilationWFactor()]
        same = options.Padding() == 0
        pads = same_pads(self.shape(ins[0])[1:3], kernel, stride, dilation) if same else [0] * 4
        y = self.node(
            "Conv",
            [self.value(ins[0]), self.init(weights, "W"), self.init(bias.astype(np.float32), "B")],
            kernel_shape=kernel, strides=stride, dilations=dilation, pads=pads, group=group,
        )  # fmt: skip
        self.set_out(out, self.activation(y, options.FusedActivationFunction()), NCHW)

    def prelu(self, x: str, alpha: np.ndarray) -> str:
        """alpha * x + (1 - alpha) * Relu(x): PReLU without onnxruntime's slow PRelu kernel."""
        scaled = self.node("Mul", [x, self.init(alpha, "alpha")])
        positive = self.node("Mul", [self.node("Relu", [x]), self.init(1 - alpha, "beta")])
        return self.node("Add", [scaled, positive])

    def add_or_mul(self, op: Any, kind: str, ins: list[int], out: int) -> None:
        cls = tflite.AddOptions if kind == "ADD" else tflite.MulOptions
        variables = [self.value(i) for i in ins if i not in self.const]
        layout = self.layout[variables[0]]
        names = []
        for i in ins:
            if i not in self.const:
                names.append(self.value(i))
                continue
            const = self.const[i].astype(np.float32)
            if layout == NCHW and const.ndim == 4:
                const = const.transpose(0, 3, 1, 2)
            elif layout == NCHW and const.size > 1:
                raise NotImplementedError("a constant broadcast against NCHW")
            names.append(self.init(const, "k"))
        y = self.node("Add" if kind == "ADD" else "Mul", names)
        fused = self.options(op, cls).FusedActivationFunction()
        self.set_out(out, self.activation(y, fused), layout)

    def max_pool(self, op: Any, ins: list[int], out: int) -> None:
        options = self.options(op, tflite.Pool2DOptions)
        x = self.value(ins[0])
        kernel = [options.FilterHeight(), options.FilterWidth()]
        stride = [options.StrideH(), options.StrideW()]
        if options.Padding() == 0:
            pads = same_pads(self.shape(ins[0])[1:3], kernel, stride, [1, 1])
            if any(pads):  # tflite's SAME max pool ignores the padded cells: pad with -inf
                onnx_pads = [0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]]
                x = self.node("Pad", [x, self.i64(onnx_pads), self.f32(-np.inf)])
        y = self.node("MaxPool", [x], kernel_shape=kernel, strides=stride)
        self.set_out(out, self.activation(y, options.FusedActivationFunction()), NCHW)

    # --- MediaPipe's custom ops, batched ----------------------------------------------------

    def landmarks_to_matrix(self, ins: list[int], out: int, c: dict[str, Any]) -> None:
        """Landmarks2TransformMatrix v2: (N, L, 3) landmarks -> (N, 4, 4) similarity matrix of
        a box around a subset (lips, an eye), rotated by the line between two points; cos and
        sin straight from that line, since ONNX has no atan2."""
        xy = self.slice(self.value(ins[0]), [0], [2], [2])  # N,L,2
        ends = self.i64([c["left_rotation_idx"], c["right_rotation_idx"]])
        pair = self.node("Gather", [xy, ends], axis=1)
        d = self.node("Sub", [self.slice(pair, [1], [2], [1]), self.slice(pair, [0], [1], [1])])
        squares = self.node("ReduceSum", [self.node("Mul", [d, d]), self.i64([2])], keepdims=1)
        unit = self.node("Div", [d, self.node("Sqrt", [squares])])  # (cos th, sin th)
        cos_th, sin_th = self.slice(unit, [0], [1], [2]), self.slice(unit, [1], [2], [2])
        target = float(c.get("target_rotation_radians", 0.0))
        # r = target - th
        cos_r = self.node(
            "Add",
            [self.node("Mul", [cos_th, self.f32(np.cos(target))]),
             self.node("Mul", [sin_th, self.f32(np.sin(target))])],
        )  # fmt: skip
        sin_r = self.node(
            "Sub",
            [self.node("Mul", [cos_th, self.f32(np.sin(target))]),
             self.node("Mul", [sin_th, self.f32(np.cos(target))])],
        )  # fmt: skip
        subset = np.array(c["subset_idxs"], np.int64).reshape(-1)
        points = self.node("Gather", [xy, self.init(subset)], axis=1)  # N,K,2
        px, py = self.slice(points, [0], [1], [2]), self.slice(points, [1], [2], [2])
        rx = self.node("Sub", [self.node("Mul", [cos_r, px]), self.node("Mul", [sin_r, py])])
        ry = self.node("Add", [self.node("Mul", [sin_r, px]), self.node("Mul", [cos_r, py])])

        def reduce(op: str, v: str) -> str:
            return self.node(op, [v], axes=[1], keepdims=1)  # opset 17: axes as an attribute

        max_x, min_x, max_y, min_y = (
            reduce("ReduceMax", rx), reduce("ReduceMin", rx),
            reduce("ReduceMax", ry), reduce("ReduceMin", ry),
        )  # fmt: skip
        half = self.f32(0.5)
        mid_x = self.node("Mul", [self.node("Add", [max_x, min_x]), half])
        mid_y = self.node("Mul", [self.node("Add", [max_y, min_y]), half])
        # the centre rotated back by -r
        cx = self.node("Add", [self.node("Mul", [cos_r, mid_x]), self.node("Mul", [sin_r, mid_y])])
        cy = self.node("Sub", [self.node("Mul", [cos_r, mid_y]), self.node("Mul", [sin_r, mid_x])])
        out_w, out_h = float(c["output_width"]), float(c["output_height"])
        sx = self.node("Mul", [self.node("Sub", [max_x, min_x]), self.f32(c["scale_x"] / out_w)])
        sy = self.node("Mul", [self.node("Sub", [max_y, min_y]), self.f32(c["scale_y"] / out_h)])
        # A = R(-r) S = [[c sx, s sy], [-s sx, c sy]]; t = centre + A (-out_w / 2, -out_h / 2)
        a00, a01 = self.node("Mul", [cos_r, sx]), self.node("Mul", [sin_r, sy])
        a10, a11 = self.node("Neg", [self.node("Mul", [sin_r, sx])]), self.node("Mul", [cos_r, sy])

        def shift(centre: str, a: str, b: str) -> str:
            offset = self.node(
                "Add",
                [self.node("Mul", [a, self.f32(-out_w / 2)]),
                 self.node("Mul", [b, self.f32(-out_h / 2)])],
            )  # fmt: skip
            return self.node("Add", [centre, offset])

        tx, ty = shift(cx, a00, a01), shift(cy, a10, a11)
        zero = self.node("Mul", [a00, self.f32(0.0)])
        one = self.node("Add", [zero, self.f32(1.0)])
        row = [a00, a01, zero, tx, a10, a11, zero, ty, zero, zero, one, zero, zero, zero, zero, one]
        flat = self.node("Concat", row, axis=2)  # N,1,16
        self.set_out(out, self.node("Reshape", [flat, self.i64([-1, 4, 4])]), PLAIN)

    def transform_tensor_bilinear(self, ins: list[int], out: int, c: dict[str, Any]) -> None:
        """TransformTensorBilinear v2: a bilinear crop of a feature map through a matrix, with
        the align-corners half-pixel correction; a sample is 0 whose point leaves the map."""
        x, matrix = self.value(ins[0]), self.value(ins[1])
        assert self.layout[x] == NCHW
        _, height, width, channels = self.shape(ins[0])
        out_h, out_w = int(c["output_height"]), int(c["output_width"])
        yy, xx = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
        grid = np.stack([xx + 0.5, yy + 0.5, 0 * xx, 0 * xx + 1], -1).reshape(1, -1, 4)
        rows = self.node("Transpose", [self.slice(matrix, [0], [2], [1])], perm=[0, 2, 1])
        source = self.node("MatMul", [self.init(grid.astype(np.float32), "grid"), rows])
        source = self.node("Sub", [source, self.f32(0.5)])  # N,P,2 pixels (x, y)
        top = self.f32([width - 1, height - 1])
        inside = self.within(source, self.f32(0), top)
        mask = self.node("Reshape", [inside, self.i64([-1, 1, out_h, out_w])])
        floor = self.node("Floor", [source])
        frac = self.node("Sub", [source, floor])
        corner = self.node("Cast", [floor], to=TensorProto.INT64)
        features = self.node("Reshape", [x, self.i64([0, channels, height * width])])  # N,C,HW
        batch_and_channels = self.slice(self.node("Shape", [x]), [0], [2], [0])
        gather_shape = self.node("Concat", [batch_and_channels, self.i64([out_h * out_w])], axis=0)
        frac_x, frac_y = self.slice(frac, [0], [1], [2]), self.slice(frac, [1], [2], [2])
        one = self.f32(1)
        int_top = self.i64([width - 1, height - 1])
        total = None
        for dy in (0, 1):
            for dx in (0, 1):
                at = self.node("Add", [corner, self.i64([dx, dy])])  # N,P,2
                valid = self.within(at, self.i64(0), int_top)
                # Min/Max, not Clip: onnx2torch makes an integer Clip float
                clamped = self.node("Min", [self.node("Max", [at, self.i64(0)]), int_top])
                cx, cy = self.slice(clamped, [0], [1], [2]), self.slice(clamped, [1], [2], [2])
                flat = self.node("Add", [self.node("Mul", [cy, self.i64(width)]), cx])  # N,P,1
                row = self.node("Transpose", [flat], perm=[0, 2, 1])  # N,1,P
                index = self.node("Expand", [row, gather_shape])
                sample = self.node("GatherElements", [features, index], axis=2)  # N,C,P
                wx = frac_x if dx else self.node("Sub", [one, frac_x])
                wy = frac_y if dy else self.node("Sub", [one, frac_y])
                weight = self.node("Reshape", [self.node("Mul", [wx, wy]), self.i64([0, -1])])
                weight = self.node("Unsqueeze", [self.node("Mul", [weight, valid]), self.i64([1])])
                term = self.node("Mul", [sample, weight])
                total = term if total is None else self.node("Add", [total, term])
        y = self.node("Reshape", [total, self.i64([0, channels, out_h, out_w])])
        self.set_out(out, self.node("Mul", [y, mask]), NCHW)

    def within(self, points: str, low: str, high: str) -> str:
        """(N, P) float: 1 where both coordinates of (N, P, 2) ``points`` lie in [low, high]
        (Not Less / Not Greater: onnx2torch lacks GreaterOrEqual-16)."""
        inside = self.node(
            "And",
            [self.node("Not", [self.node("Less", [points, low])]),
             self.node("Not", [self.node("Greater", [points, high])])],
        )  # fmt: skip
        as_float = self.node("Cast", [inside], to=TensorProto.FLOAT)
        return self.node("ReduceProd", [as_float], axes=[2], keepdims=0)

    def transform_landmarks(self, ins: list[int], out: int, _: dict[str, Any]) -> None:
        """TransformLandmarks v2 on 2-D points: p' = M[:2, :2] p + M[:2, 3]."""
        points, matrix = self.value(ins[0]), self.value(ins[1])
        assert self.shape(ins[0])[-1] == 2
        top = self.slice(matrix, [0], [2], [1])  # N,2,4
        linear = self.node("Transpose", [self.slice(top, [0], [2], [2])], perm=[0, 2, 1])
        offset = self.node("Transpose", [self.slice(top, [3], [4], [2])], perm=[0, 2, 1])
        y = self.node("Add", [self.node("MatMul", [points, linear]), offset])
        self.set_out(out, y, PLAIN)

    # --- MediaPipe's LandmarksRefinementCalculator, as a gather and a matrix product --------

    def refine(
        self, refinement: list[dict[str, Any]], parts: list[str]
    ) -> list[onnx.ValueInfoProto]:
        """``landmarks``: each point's x, y from the last part that maps it (the lips and eye
        models refine the mesh), z copied from the mesh or averaged over mesh points (irises)."""
        reshaped = []
        for name, spec in zip(parts, refinement, strict=True):
            dims = 3 if name == "output_mesh_identity" else 2
            count = len(spec["indexes_mapping"])
            reshaped.append(self.node("Reshape", [name, self.i64([-1, count, dims])]))
        points = 1 + max(max(spec["indexes_mapping"]) for spec in refinement)
        mesh_points = len(refinement[0]["indexes_mapping"])
        xy_source = np.full(points, -1, np.int64)
        z_mix = np.zeros((points, mesh_points))  # each z as a mix of the mesh's z values
        offset = 0
        for spec in refinement:
            mapping, z = spec["indexes_mapping"], spec["z"]
            for i, j in enumerate(mapping):
                xy_source[j] = offset + i
            if z["mode"] == "copy":
                assert offset == 0, "z is copied from the mesh only"
                for i, j in enumerate(mapping):
                    z_mix[j] = 0.0
                    z_mix[j, i] = 1.0
            elif z["mode"] == "assign_average":
                z_mix[mapping] = z_mix[z["indexes"]].mean(axis=0)
            offset += len(mapping)
        assert (xy_source >= 0).all() and (z_mix.sum(axis=1) > 0.99).all()
        pool = self.node("Concat", [self.slice(r, [0], [2], [2]) for r in reshaped], axis=1)
        xy = self.node("Gather", [pool, self.init(xy_source)], axis=1)  # N,478,2
        mesh_z = self.slice(reshaped[0], [2], [3], [2])  # N,468,1
        z = self.node("MatMul", [self.init(z_mix.astype(np.float32), "z_mix"), mesh_z])
        self.node("Concat", [xy, z], ["landmarks"], axis=2)
        flag = next(
            i for i in self.graph.OutputsAsNumpy() if self.tensor_name(i) == "conv_faceflag"
        )
        logit = self.node("Reshape", [self.name[flag], self.i64([-1])])
        self.node("Sigmoid", [logit], ["face_presence"])
        return [
            helper.make_tensor_value_info("landmarks", TensorProto.FLOAT, ["N", points, 3]),
            helper.make_tensor_value_info("face_presence", TensorProto.FLOAT, ["N"]),
        ]


def main() -> None:
    """Convert, check and write the model; print the source's and the result's sha256."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mediapipe-dir", type=Path, help="default: the installed mediapipe")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    source = (args.mediapipe_dir or mediapipe_dir()) / TFLITE
    print(f"{source}: sha256 {hashlib.sha256(source.read_bytes()).hexdigest()}")
    tables = json.loads(REFINEMENT.read_text())
    model = Converter(source).convert(tables["refinements"], tables["parts"])
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    size_mb = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size_mb:.2f} MB, {len(model.graph.node)} nodes): sha256 {digest}")


if __name__ == "__main__":
    main()
