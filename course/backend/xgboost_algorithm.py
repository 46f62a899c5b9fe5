"""The SageMaker built-in XGBoost algorithm, run for real with the xgboost package.

Follows what the real containers read and write (legacy `xgboost:1|latest` and
`sagemaker-xgboost:<version>`): content types, label-first CSV, zero-based libsvm,
hyperparameters as strings, `num_round` required, `train:`/`validation:` metrics, the model as
`xgboost-model` inside model.tar.gz, and the serving content types and output layouts.
Pure functions over bytes and files: no moto, no S3, so it is unit-testable on its own.
"""
from __future__ import annotations

import io
import os
import pickle
import re
import tarfile
from dataclasses import dataclass

MODEL_FILE = "xgboost-model"

_TRAIN_FORMATS = {
    "csv": "csv",
    "text/csv": "csv",
    "libsvm": "libsvm",
    "text/libsvm": "libsvm",
    "text/x-libsvm": "libsvm",
}
_SERVE_FORMATS = {"text/csv": "csv", "text/libsvm": "libsvm", "text/x-libsvm": "libsvm"}

# Hyperparameters the containers accept: xgboost's own plus SageMaker's.
_KNOWN_HYPERPARAMETERS = {
    "num_round", "num_class", "alpha", "base_score", "booster", "colsample_bylevel",
    "colsample_bynode", "colsample_bytree", "csv_weights", "deterministic_histogram",
    "early_stopping_rounds", "eta", "eval_metric", "gamma", "grow_policy",
    "interaction_constraints", "lambda", "lambda_bias", "max_bin", "max_cat_to_onehot",
    "max_delta_step", "max_depth", "max_leaves", "min_child_weight", "monotone_constraints",
    "normalize_type", "nthread", "num_parallel_tree", "objective", "one_drop", "process_type",
    "rate_drop", "refresh_leaf", "sample_type", "scale_pos_weight", "seed",
    "single_precision_histogram", "sketch_eps", "skip_drop", "subsample", "tree_method",
    "tweedie_variance_power", "updater", "verbosity", "silent", "save_model_on_termination",
    "use_dask_gpu_training", "validate_parameters", "aucpr", "huber_slope", "multi_strategy",
}
_SAGEMAKER_ONLY = {"num_round", "early_stopping_rounds", "csv_weights", "save_model_on_termination",
                   "use_dask_gpu_training", "silent"}


class ClientError(Exception):
    """The job's input is wrong: SageMaker reports it as `ClientError: ...`."""


class ModelError(Exception):
    """An inference request the container refuses; status is the HTTP code it answers."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class XGBoostImage:
    """Which container an image URI names, since versions differ in formats and layouts."""

    version: str  # "0.72" for the legacy xgboost:1/latest image, else e.g. "1.7-1"

    @property
    def legacy(self) -> bool:
        return self.version == "0.72"

    @property
    def pickles_model(self) -> bool:
        """Up to 1.2-x the model file is a pickled Booster; from 1.3-1 xgboost's own format."""
        return self.legacy or _version_tuple(self.version) < (1, 3)

    @property
    def csv_output_one_per_line(self) -> bool:
        """Legacy, 0.90-x and 1.0-1 join real-time predictions with commas."""
        return not self.legacy and _version_tuple(self.version) >= (1, 2)


_IMAGE = re.compile(r"\.amazonaws\.com(?:\.cn)?/(?P<repo>sagemaker-xgboost|xgboost):(?P<tag>[^/]+)$")


def parse_image(image_uri: str) -> XGBoostImage | None:
    """The built-in XGBoost image named by a URI, or None for any other image."""
    match = _IMAGE.search(image_uri or "")
    if not match:
        return None
    if match["repo"] == "xgboost":
        return XGBoostImage("0.72")
    return XGBoostImage(match["tag"].split("-cpu")[0].split("-gpu")[0])


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version.split("-")[0]))


# ------------------------------------------------------------------ hyperparameters
def _coerce(value: str):
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@dataclass
class TrainingPlan:
    params: dict
    num_round: int
    early_stopping_rounds: int | None
    eval_metrics: list[str]


def plan_training(hyperparameters: dict | None) -> TrainingPlan:
    """Hyperparameters as the container validates and passes them to xgboost.train."""
    hp = {k: _coerce(v) for k, v in (hyperparameters or {}).items()
          if not k.startswith("sagemaker_") and not k.startswith("_")}
    unknown = sorted(set(hp) - _KNOWN_HYPERPARAMETERS)
    if unknown:
        raise ClientError(
            f"Hyperparameter validation failed: {', '.join(repr(k) for k in unknown)} "
            "is not a valid hyperparameter of the XGBoost algorithm."
        )
    if "num_round" not in hp:
        raise ClientError("Missing required hyperparameter: num_round")
    try:
        num_round = int(hp["num_round"])
    except (TypeError, ValueError):
        raise ClientError(f"Hyperparameter num_round must be an integer, got {hp['num_round']!r}") from None
    metrics = hp.get("eval_metric")
    metrics = [m.strip() for m in str(metrics).split(",") if m.strip()] if metrics else []
    params = {k: v for k, v in hp.items() if k not in _SAGEMAKER_ONLY and k != "eval_metric"}
    if "silent" in hp and "verbosity" not in hp:
        params["verbosity"] = 0 if hp["silent"] else 1
    if metrics:
        params["eval_metric"] = metrics
    params.setdefault("nthread", 1)
    early = hp.get("early_stopping_rounds")
    return TrainingPlan(params, num_round, int(early) if early else None, metrics)


# ------------------------------------------------------------------ data
def training_format(content_type: str | None) -> str:
    """libsvm unless the channel says otherwise, as in the containers."""
    base = (content_type or "libsvm").split(";")[0].strip().lower()
    try:
        return _TRAIN_FORMATS[base]
    except KeyError:
        raise ClientError(
            f"Content type {content_type!r} is not supported. Valid content types are: "
            "text/csv, csv, text/libsvm, libsvm, text/x-libsvm."
        ) from None


def load_channel(files: list[str], fmt: str):
    """(labels, weights, features) of one channel: label-first CSV or zero-based libsvm."""
    import numpy as np

    if not files:
        raise ClientError("No data found in the channel.")
    if fmt == "csv":
        try:
            data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files if os.path.getsize(f)])
        except ValueError as exc:
            raise ClientError(f"Could not read the CSV data (label first, no header): {exc}") from None
        return data[:, 0], None, data[:, 1:]
    return parse_libsvm(b"\n".join(_read(f).rstrip(b"\n") for f in files))


def to_dmatrices(channels: dict) -> dict:
    """DMatrix per channel, sparse ones widened to a common width.

    A libsvm file only reaches its highest non-zero column, so a validation set whose last
    one-hot column is all zero is narrower than the training set; the containers accept that.
    """
    import xgboost as xgb

    width = max(features.shape[1] for _, _, features in channels.values())
    out = {}
    for name, (labels, weights, features) in channels.items():
        if hasattr(features, "tocsr") and features.shape[1] < width:
            features = features.tocsr()
            features.resize((features.shape[0], width))
        out[name] = xgb.DMatrix(features, label=labels, weight=weights)
    return out


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def parse_libsvm(payload: bytes, with_labels: bool = True):
    """Rows `label[:weight] index:value ...` with zero-based indices, as the containers read them.

    Written here because xgboost deprecated its text loader and scikit-learn's cannot read the
    `label:weight` form the containers accept.
    """
    import numpy as np
    import scipy.sparse as sp

    labels, weights, indptr, indices, values = [], [], [0], [], []
    for number, raw in enumerate(payload.decode("utf-8", "replace").splitlines(), start=1):
        tokens = raw.split("#", 1)[0].split()
        if not tokens:
            continue
        try:
            if with_labels or ":" not in tokens[0]:
                head, tokens = tokens[0], tokens[1:]
                label, _, weight = head.partition(":")
                labels.append(float(label))
                weights.append(float(weight) if weight else 1.0)
            for token in tokens:
                index, _, value = token.partition(":")
                if int(index) < 0:
                    raise ValueError("negative feature index")
                indices.append(int(index))
                values.append(float(value))
        except ValueError:
            raise ClientError(f"Line {number} is not valid libsvm (label[:weight] index:value ...): "
                              f"{raw[:80]!r}") from None
        indptr.append(len(indices))
    if len(indptr) == 1:
        raise ClientError("No libsvm rows found in the data.")
    width = (max(indices) + 1) if indices else 0
    matrix = sp.csr_matrix((values, indices, indptr), shape=(len(indptr) - 1, width), dtype=np.float32)
    has_weights = any(w != 1.0 for w in weights)
    return (np.array(labels) if labels else None), (np.array(weights) if has_weights else None), matrix


# ------------------------------------------------------------------ training
@dataclass
class TrainingResult:
    booster: object
    history: dict  # {"train": {"auc": [...]}, "validation": {...}}
    log_lines: list[str]
    stopped_early_by_deadline: bool = False

    def final_metrics(self) -> dict[str, float]:
        best = getattr(self.booster, "best_iteration", None)
        out = {}
        for data_name, metrics in self.history.items():
            for metric, values in metrics.items():
                index = best if best is not None and best < len(values) else -1
                out[f"{data_name}:{metric}"] = float(values[index])
        return out


def train(plan: TrainingPlan, dtrain, dvalidation=None, deadline: float | None = None) -> TrainingResult:
    """xgboost.train with the evaluation sets the container names `train` and `validation`.

    `deadline` (time.monotonic()) stops training between rounds, as MaxRuntimeInSeconds does.
    """
    import time

    import xgboost as xgb

    class Deadline(xgb.callback.TrainingCallback):
        passed = False

        def after_iteration(self, model, epoch, evals_log):
            Deadline.passed = deadline is not None and time.monotonic() > deadline
            return Deadline.passed

    evals = [(dtrain, "train")] + ([(dvalidation, "validation")] if dvalidation is not None else [])
    history: dict = {}
    try:
        booster = xgb.train(
            plan.params, dtrain, plan.num_round, evals=evals, evals_result=history,
            early_stopping_rounds=plan.early_stopping_rounds if dvalidation is not None else None,
            verbose_eval=False, callbacks=[Deadline()],
        )
    except xgb.core.XGBoostError as exc:
        raise ClientError(str(exc).splitlines()[0]) from None
    lines = []
    for i in range(len(next(iter(next(iter(history.values())).values()), [])) if history else 0):
        cols = [f"{d}-{m}:{vals[i]:.5f}" for d, ms in history.items() for m, vals in ms.items()]
        lines.append(f"[{i}]\t" + "\t".join(cols))
    return TrainingResult(booster, history, lines, stopped_early_by_deadline=Deadline.passed)


def package_model(booster, image: XGBoostImage) -> bytes:
    """model.tar.gz holding `xgboost-model` in the format that container version writes."""
    if image.pickles_model:
        blob = pickle.dumps(booster)
    else:
        blob = bytes(booster.save_raw(raw_format="ubj"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(MODEL_FILE)
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()


def load_model(model_tar_gz: bytes):
    """The serving loader: pickle first, then xgboost's own format, as the containers do."""
    import xgboost as xgb

    with tarfile.open(fileobj=io.BytesIO(model_tar_gz), mode="r:gz") as tar:
        names = tar.getnames()
        member = next((n for n in names if os.path.basename(n) == MODEL_FILE), None)
        if member is None:
            member = next((n for n in names if tar.getmember(n).isfile()), None)
        if member is None:
            raise ClientError("model.tar.gz holds no model file.")
        blob = tar.extractfile(member).read()
    try:
        booster = pickle.loads(blob)  # noqa: S301 - the artefact this backend wrote
        if isinstance(booster, xgb.Booster):
            return booster
    except Exception:  # noqa: BLE001 - not a pickle: try the native format
        pass
    booster = xgb.Booster()
    try:
        booster.load_model(bytearray(blob))
    except xgb.core.XGBoostError as exc:
        raise ClientError(f"Unable to load the model: {str(exc).splitlines()[0]}") from None
    return booster


# ------------------------------------------------------------------ inference
def _payload_matrix(payload: bytes, fmt: str, num_features: int):
    import numpy as np
    import xgboost as xgb

    if fmt == "csv":
        try:
            rows = np.loadtxt(io.BytesIO(payload), delimiter=",", ndmin=2)
        except ValueError as exc:
            raise ModelError(415, f"Loading csv data failed with Exception, please ensure data is in csv "
                                  f"format: {exc}") from None
        if rows.shape[1] != num_features:
            raise ModelError(400, f"Feature size of csv inference data {rows.shape[1]} is not consistent "
                                  f"with feature size of trained model {num_features}.")
        return xgb.DMatrix(rows)
    # Labels in a libsvm request are read and ignored, as the containers do.
    try:
        _, _, matrix = parse_libsvm(payload, with_labels=False)
    except ClientError as exc:
        raise ModelError(415, f"Loading libsvm data failed: {exc}") from None
    if matrix.shape[1] > num_features:
        raise ModelError(400, f"Feature size of libsvm inference data {matrix.shape[1]} is larger than "
                              f"the feature size of the trained model {num_features}.")
    matrix.resize((matrix.shape[0], num_features))  # rows end at their last non-zero column
    return xgb.DMatrix(matrix)


def predict(booster, payload: bytes, content_type: str | None, accept: str | None,
            image: XGBoostImage, batch: bool = False) -> tuple[bytes, str]:
    """Predictions for one request body, laid out as that container version answers."""
    base = (content_type or "text/csv").split(";")[0].strip().lower()
    fmt = _SERVE_FORMATS.get(base)
    if fmt is None:
        raise ModelError(415, f"Content type {content_type} is not supported by this framework. "
                              "Please choose one of: text/csv, text/libsvm, text/x-libsvm.")
    accept_base = (accept or "").split(";")[0].strip().lower()
    if accept_base not in ("", "*/*", "text/csv", "application/json"):
        raise ModelError(406, f"Accept type {accept} is not supported. Please choose one of: "
                              "text/csv, application/json.")
    if not payload.strip():
        raise ModelError(400, "Invalid request: the payload is empty.")
    import numpy as np

    preds = np.ravel(booster.predict(_payload_matrix(payload, fmt, booster.num_features())))
    if accept_base == "application/json":
        import json

        return json.dumps({"predictions": [{"score": float(p)} for p in preds]}).encode(), "application/json"
    values = [repr(float(p)) for p in preds]
    if batch or image.csv_output_one_per_line:
        return ("\n".join(values) + "\n").encode(), "text/csv; charset=utf-8"
    return ",".join(values).encode(), "text/csv; charset=utf-8"
