"""Unit tests of course/backend/xgboost_algorithm.py: the built-in XGBoost algorithm, run for real.

Small seeded synthetic data only, so the whole file runs in a few seconds, offline.
"""
from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from course.backend import xgboost_algorithm as xa
from course.regions import SUPPORTED_REGIONS, xgboost_image

ROOT = Path(__file__).resolve().parents[1]

LEGACY_URI = "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:latest"
NATIVE_URI = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
N_FEATURES = 5


# ------------------------------------------------------------------ fixtures
def _synthetic(seed: int, rows: int):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(rows, N_FEATURES))
    labels = (features[:, 0] + 0.5 * features[:, 1] > 0).astype(float)
    return labels, features


def _libsvm(labels, features, skip_columns=()) -> bytes:
    lines = []
    for label, row in zip(labels, features):
        pairs = " ".join(f"{j}:{v:.5f}" for j, v in enumerate(row) if j not in skip_columns)
        lines.append(f"{int(label)} {pairs}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def trained():
    """(plan, result) of a small binary:logistic model with a train and a validation channel."""
    y_train, x_train = _synthetic(seed=7, rows=240)
    y_val, x_val = _synthetic(seed=8, rows=80)
    plan = xa.plan_training({"num_round": "6", "max_depth": "3", "eta": "0.3", "seed": "1",
                             "objective": "binary:logistic", "eval_metric": "auc"})
    dms = xa.to_dmatrices({"train": xa.parse_libsvm(_libsvm(y_train, x_train)),
                           "validation": xa.parse_libsvm(_libsvm(y_val, x_val))})
    return plan, xa.train(plan, dms["train"], dms["validation"])


@pytest.fixture(scope="module")
def booster(trained):
    return trained[1].booster


LEGACY = xa.XGBoostImage("0.72")
NATIVE = xa.XGBoostImage("1.7-1")


# ------------------------------------------------------------------ images
@pytest.mark.parametrize("uri", [
    LEGACY_URI,
    "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1",
    "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/xgboost:1",
])
def test_parse_image_legacy(uri):
    image = xa.parse_image(uri)
    assert image == xa.XGBoostImage("0.72")
    assert image.legacy


@pytest.mark.parametrize("uri, version", [
    (NATIVE_URI, "1.7-1"),
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:0.90-2-cpu-py3", "0.90-2"),
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3", "1.0-1"),
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.5-1-gpu-py3", "1.5-1"),
])
def test_parse_image_framework(uri, version):
    image = xa.parse_image(uri)
    assert image == xa.XGBoostImage(version)
    assert not image.legacy


@pytest.mark.parametrize("region", SUPPORTED_REGIONS)
def test_parse_image_of_every_course_region(region):
    assert xa.parse_image(xgboost_image(region, "latest")).legacy
    assert xa.parse_image(xgboost_image(region, "1")).legacy
    assert xa.parse_image(xgboost_image(region, "1.7-1")) == xa.XGBoostImage("1.7-1")


@pytest.mark.parametrize("uri", [
    "",
    None,
    "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1",
    "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-xgboost:1",
    "xgboost:latest",
    "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:latest/extra",
])
def test_parse_image_other_images(uri):
    assert xa.parse_image(uri) is None


@pytest.mark.parametrize("version, pickles, one_per_line", [
    ("0.72", True, False),
    ("0.90-1", True, False),
    ("0.90-2", True, False),
    ("1.0-1", True, False),
    ("1.2-1", True, True),
    ("1.2-2", True, True),
    ("1.3-1", False, True),
    ("1.5-1", False, True),
    ("1.7-1", False, True),
])
def test_version_properties(version, pickles, one_per_line):
    image = xa.XGBoostImage(version)
    assert image.pickles_model is pickles
    assert image.csv_output_one_per_line is one_per_line


# ------------------------------------------------------------------ hyperparameters
def test_plan_requires_num_round():
    with pytest.raises(xa.ClientError, match="num_round"):
        xa.plan_training({"max_depth": "3"})
    with pytest.raises(xa.ClientError, match="num_round"):
        xa.plan_training(None)


def test_plan_rejects_non_integer_num_round():
    with pytest.raises(xa.ClientError, match="num_round"):
        xa.plan_training({"num_round": "many"})


def test_plan_rejects_unknown_hyperparameter():
    with pytest.raises(xa.ClientError) as info:
        xa.plan_training({"num_round": "10", "max_dept": "3"})
    assert "'max_dept'" in str(info.value)
    assert "not a valid hyperparameter" in str(info.value)


def test_plan_coerces_strings():
    plan = xa.plan_training({
        "num_round": "100", "max_depth": "3", "eta": "0.1", "subsample": "0.5",
        "objective": "binary:logistic", "scale_pos_weight": "2.0", "validate_parameters": "True",
    })
    assert plan.num_round == 100
    assert plan.params["max_depth"] == 3 and isinstance(plan.params["max_depth"], int)
    assert plan.params["eta"] == 0.1 and isinstance(plan.params["eta"], float)
    assert plan.params["subsample"] == 0.5
    assert plan.params["scale_pos_weight"] == 2.0
    assert plan.params["objective"] == "binary:logistic"
    assert plan.params["validate_parameters"] is True
    assert "num_round" not in plan.params
    assert plan.params["nthread"] == 1  # default
    assert plan.early_stopping_rounds is None
    assert plan.eval_metrics == []
    assert "eval_metric" not in plan.params


def test_plan_accepts_non_string_values():
    plan = xa.plan_training({"num_round": 5, "max_depth": 2, "nthread": 4})
    assert plan.num_round == 5
    assert plan.params["max_depth"] == 2
    assert plan.params["nthread"] == 4


def test_plan_eval_metric_list():
    plan = xa.plan_training({"num_round": "1", "eval_metric": " auc , error,logloss "})
    assert plan.eval_metrics == ["auc", "error", "logloss"]
    assert plan.params["eval_metric"] == ["auc", "error", "logloss"]


@pytest.mark.parametrize("silent, verbosity", [("1", 0), ("0", 1), ("true", 0), ("False", 1)])
def test_plan_silent_becomes_verbosity(silent, verbosity):
    plan = xa.plan_training({"num_round": "1", "silent": silent})
    assert plan.params["verbosity"] == verbosity
    assert "silent" not in plan.params


def test_plan_explicit_verbosity_wins_over_silent():
    plan = xa.plan_training({"num_round": "1", "silent": "1", "verbosity": "2"})
    assert plan.params["verbosity"] == 2


def test_plan_ignores_sagemaker_and_underscore_keys():
    plan = xa.plan_training({
        "num_round": "3", "sagemaker_program": "train.py", "sagemaker_submit_directory": "s3://b/k",
        "_tuning_objective_metric": "validation:auc",
    })
    assert plan.num_round == 3
    assert plan.params == {"nthread": 1}


def test_plan_early_stopping_rounds_kept_out_of_params():
    plan = xa.plan_training({"num_round": "10", "early_stopping_rounds": "5", "csv_weights": "0"})
    assert plan.early_stopping_rounds == 5
    assert "early_stopping_rounds" not in plan.params
    assert "csv_weights" not in plan.params


# ------------------------------------------------------------------ formats
@pytest.mark.parametrize("content_type, fmt", [
    (None, "libsvm"),
    ("", "libsvm"),
    ("libsvm", "libsvm"),
    ("text/libsvm", "libsvm"),
    ("text/x-libsvm", "libsvm"),
    ("csv", "csv"),
    ("text/csv", "csv"),
    ("text/csv; label_size=1", "csv"),
    ("TEXT/CSV", "csv"),
])
def test_training_format(content_type, fmt):
    assert xa.training_format(content_type) == fmt


@pytest.mark.parametrize("content_type", ["application/x-recordio-protobuf", "application/json", "parquet"])
def test_training_format_rejects_other_types(content_type):
    with pytest.raises(xa.ClientError) as info:
        xa.training_format(content_type)
    message = str(info.value)
    assert content_type in message
    for accepted in ("text/csv", "csv", "text/libsvm", "libsvm", "text/x-libsvm"):
        assert accepted in message


# ------------------------------------------------------------------ libsvm
def test_parse_libsvm_labels_and_zero_based_indices():
    labels, weights, matrix = xa.parse_libsvm(b"1 0:1.5 3:2\n0 1:-1\n")
    assert labels.tolist() == [1.0, 0.0]
    assert weights is None
    assert matrix.shape == (2, 4)
    assert matrix.toarray().tolist() == [[1.5, 0, 0, 2], [0, -1, 0, 0]]


def test_parse_libsvm_label_weight():
    labels, weights, matrix = xa.parse_libsvm(b"1:0.5 0:1\n0:2 1:1\n1 2:3\n")
    assert labels.tolist() == [1.0, 0.0, 1.0]
    assert weights.tolist() == [0.5, 2.0, 1.0]
    assert matrix.shape == (3, 3)


def test_parse_libsvm_comments_and_blank_lines():
    payload = b"# a header comment\n\n1 0:1 # trailing comment\n   \n0 1:2\n# the end\n"
    labels, _, matrix = xa.parse_libsvm(payload)
    assert labels.tolist() == [1.0, 0.0]
    assert matrix.toarray().tolist() == [[1, 0], [0, 2]]


def test_parse_libsvm_label_only_row():
    labels, _, matrix = xa.parse_libsvm(b"1\n0 2:1\n")
    assert labels.tolist() == [1.0, 0.0]
    assert matrix.shape == (2, 3)
    assert matrix.getrow(0).nnz == 0


@pytest.mark.parametrize("payload, line", [
    (b"1 0:1\n\n# comment\n1 x:y\n", 4),
    (b"one 0:1\n", 1),
    (b"1 0:1\n0 2\n", 2),
    (b"1 0:1\n0 1.5:2\n", 2),
    (b"1 0:1\n0 0:abc\n", 2),
])
def test_parse_libsvm_bad_line_names_its_number(payload, line):
    with pytest.raises(xa.ClientError, match=rf"^Line {line} is not valid libsvm"):
        xa.parse_libsvm(payload)


def test_parse_libsvm_no_rows():
    with pytest.raises(xa.ClientError, match="No libsvm rows"):
        xa.parse_libsvm(b"\n# only a comment\n\n")


def test_parse_libsvm_without_labels():
    labels, _, matrix = xa.parse_libsvm(b"0:1.5 2:3\n1 0:1\n", with_labels=False)
    # the first row starts with a feature, not a label; the second's label is read and skipped
    assert matrix.toarray().tolist() == [[1.5, 0, 3], [1, 0, 0]]
    assert labels.tolist() == [1.0]


def test_parse_libsvm_with_labels_reads_label_weight_head():
    # the same first row, read as training data: `0:1.5` is label 0 with weight 1.5
    labels, weights, matrix = xa.parse_libsvm(b"0:1.5 2:3\n", with_labels=True)
    assert labels.tolist() == [0.0]
    assert weights.tolist() == [1.5]
    assert matrix.toarray().tolist() == [[0, 0, 3]]


def test_parse_libsvm_rejects_negative_index():
    # In a subprocess: the corrupt matrix aborts the interpreter (free(): invalid next size).
    code = (
        "from course.backend import xgboost_algorithm as xa\n"
        "try:\n"
        "    _, _, m = xa.parse_libsvm(b'1 -1:2')\n"
        "except xa.ClientError:\n"
        "    raise SystemExit(0)\n"
        "print('accepted', m.shape, flush=True)\n"
        "m.toarray()\n"
        "raise SystemExit(1)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=60)
    if b"Traceback" in result.stderr:
        pytest.fail(result.stderr.decode()[-1000:])
    assert result.returncode == 0, f"rc={result.returncode}: {result.stdout!r} {result.stderr[-300:]!r}"


# ------------------------------------------------------------------ channels
def test_load_channel_csv(tmp_path):
    first, second, empty = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "empty.csv"
    first.write_text("1,0.5,2\n0,1.5,3\n")
    second.write_text("1,2.5,4\n")
    empty.write_text("")
    labels, weights, features = xa.load_channel([str(first), str(empty), str(second)], "csv")
    assert labels.tolist() == [1, 0, 1]
    assert weights is None
    assert features.tolist() == [[0.5, 2], [1.5, 3], [2.5, 4]]


def test_load_channel_csv_with_header_is_client_error(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("y,a,b\n1,0.5,2\n")
    with pytest.raises(xa.ClientError, match="label first, no header"):
        xa.load_channel([str(path)], "csv")


def test_load_channel_without_files():
    with pytest.raises(xa.ClientError, match="No data"):
        xa.load_channel([], "libsvm")


def test_load_channel_libsvm_joins_files(tmp_path):
    first, second = tmp_path / "part-1", tmp_path / "part-2"
    first.write_bytes(b"1 0:1\n0 1:2")  # no final newline
    second.write_bytes(b"1 2:3\n")
    labels, _, matrix = xa.load_channel([str(first), str(second)], "libsvm")
    assert labels.tolist() == [1, 0, 1]
    assert matrix.toarray().tolist() == [[1, 0, 0], [0, 2, 0], [0, 0, 3]]


def test_to_dmatrices_widens_a_narrower_validation_set(tmp_path):
    y_train, x_train = _synthetic(seed=1, rows=60)
    y_val, x_val = _synthetic(seed=2, rows=20)
    (tmp_path / "train").write_bytes(_libsvm(y_train, x_train))
    # the validation set never reaches the last column, as with an all-zero one-hot column
    (tmp_path / "validation").write_bytes(_libsvm(y_val, x_val, skip_columns={N_FEATURES - 1}))
    channels = {name: xa.load_channel([str(tmp_path / name)], "libsvm") for name in ("train", "validation")}
    assert channels["train"][2].shape[1] == N_FEATURES
    assert channels["validation"][2].shape[1] == N_FEATURES - 1

    dms = xa.to_dmatrices(channels)
    assert (dms["train"].num_row(), dms["train"].num_col()) == (60, N_FEATURES)
    assert (dms["validation"].num_row(), dms["validation"].num_col()) == (20, N_FEATURES)
    assert dms["validation"].get_label().tolist() == y_val.tolist()

    result = xa.train(xa.plan_training({"num_round": "2", "objective": "binary:logistic"}),
                      dms["train"], dms["validation"])
    assert set(result.final_metrics()) == {"train:logloss", "validation:logloss"}


# ------------------------------------------------------------------ training
def test_train_reports_train_and_validation_auc(trained):
    plan, result = trained
    metrics = result.final_metrics()
    assert set(metrics) == {"train:auc", "validation:auc"}
    assert metrics["train:auc"] == result.history["train"]["auc"][-1]
    assert metrics["validation:auc"] == result.history["validation"]["auc"][-1]
    assert 0.9 < metrics["train:auc"] <= 1.0  # separable synthetic data
    assert 0.8 < metrics["validation:auc"] <= 1.0
    assert len(result.log_lines) == plan.num_round
    assert result.log_lines[0].startswith("[0]\ttrain-auc:")
    assert "\tvalidation-auc:" in result.log_lines[0]
    assert result.log_lines[-1].startswith(f"[{plan.num_round - 1}]\t")
    last = dict(col.split(":") for col in result.log_lines[-1].split("\t")[1:])
    assert float(last["validation-auc"]) == pytest.approx(metrics["validation:auc"], abs=1e-5)


def test_train_is_deterministic(trained):
    plan, result = trained
    y_train, x_train = _synthetic(seed=7, rows=240)
    y_val, x_val = _synthetic(seed=8, rows=80)
    dms = xa.to_dmatrices({"train": xa.parse_libsvm(_libsvm(y_train, x_train)),
                           "validation": xa.parse_libsvm(_libsvm(y_val, x_val))})
    again = xa.train(plan, dms["train"], dms["validation"])
    assert again.final_metrics() == result.final_metrics()
    assert again.log_lines == result.log_lines


def test_train_without_validation():
    labels, features = _synthetic(seed=3, rows=50)
    dms = xa.to_dmatrices({"train": (labels, None, features)})  # dense, as load_channel reads CSV
    result = xa.train(xa.plan_training({"num_round": "3", "objective": "binary:logistic",
                                        "eval_metric": "error", "early_stopping_rounds": "2"}), dms["train"])
    assert list(result.final_metrics()) == ["train:error"]
    assert len(result.log_lines) == 3
    assert "validation" not in result.log_lines[0]


def test_train_with_early_stopping_reports_the_best_iteration():
    y_train, x_train = _synthetic(seed=4, rows=120)
    rng = np.random.default_rng(5)
    x_val = rng.normal(size=(40, N_FEATURES))
    y_val = rng.integers(0, 2, size=40).astype(float)  # noise: validation stops improving early
    dms = xa.to_dmatrices({"train": (y_train, None, x_train), "validation": (y_val, None, x_val)})
    plan = xa.plan_training({"num_round": "40", "max_depth": "4", "eta": "0.5", "seed": "0",
                             "objective": "binary:logistic", "eval_metric": "logloss",
                             "early_stopping_rounds": "3"})
    result = xa.train(plan, dms["train"], dms["validation"])
    best = result.booster.best_iteration
    rounds = len(result.history["validation"]["logloss"])
    assert rounds < 40  # stopped early
    assert result.final_metrics()["validation:logloss"] == result.history["validation"]["logloss"][best]
    assert result.final_metrics()["train:logloss"] == result.history["train"]["logloss"][best]


def test_train_with_a_bad_objective_is_client_error():
    labels, features = _synthetic(seed=3, rows=20)
    dms = xa.to_dmatrices({"train": (labels, None, features)})
    with pytest.raises(xa.ClientError) as info:
        xa.train(xa.plan_training({"num_round": "1", "objective": "binary:nope"}), dms["train"])
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------ model artefacts
def _members(model_tar_gz: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(model_tar_gz), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()


def _dense_rows(rows: int = 10, seed: int = 11):
    return _synthetic(seed=seed, rows=rows)[1]


@pytest.mark.parametrize("uri", [LEGACY_URI, NATIVE_URI])
def test_package_and_load_round_trip(booster, uri):
    import xgboost as xgb

    image = xa.parse_image(uri)
    blob = xa.package_model(booster, image)
    members = _members(blob)
    assert list(members) == [xa.MODEL_FILE]
    model_bytes = members[xa.MODEL_FILE]
    if image.pickles_model:
        assert isinstance(pickle.loads(model_bytes), xgb.Booster)
    else:
        with pytest.raises(Exception):
            pickle.loads(model_bytes)
        assert model_bytes[:1] == b"{"  # UBJSON, xgboost's own format
    loaded = xa.load_model(blob)
    assert isinstance(loaded, xgb.Booster)
    assert loaded.num_features() == N_FEATURES
    rows = xgb.DMatrix(_dense_rows())
    assert np.array_equal(loaded.predict(rows), booster.predict(rows))


def test_load_model_finds_the_model_in_a_folder(booster):
    native = _members(xa.package_model(booster, NATIVE))[xa.MODEL_FILE]
    loaded = xa.load_model(_tar({"model/readme.txt": b"hello", f"model/{xa.MODEL_FILE}": native}))
    assert loaded.num_features() == N_FEATURES


def test_load_model_of_an_empty_archive():
    with pytest.raises(xa.ClientError, match="no model file"):
        xa.load_model(_tar({}))


def test_load_model_of_garbage():
    with pytest.raises(xa.ClientError, match="Unable to load the model"):
        xa.load_model(_tar({xa.MODEL_FILE: b"not a model at all"}))


# ------------------------------------------------------------------ inference
def _csv_rows(rows) -> bytes:
    return ("\n".join(",".join(f"{v:.5f}" for v in row) for row in rows) + "\n").encode()


def _expected(booster, rows):
    import xgboost as xgb

    return booster.predict(xgb.DMatrix(np.loadtxt(io.BytesIO(_csv_rows(rows)), delimiter=",", ndmin=2)))


def test_predict_csv_legacy_is_comma_joined(booster):
    rows = _dense_rows(4)
    body, content_type = xa.predict(booster, _csv_rows(rows), "text/csv", "text/csv", LEGACY)
    assert content_type.startswith("text/csv")
    assert not body.endswith(b"\n") and b"\n" not in body
    values = [float(v) for v in body.split(b",")]
    assert values == pytest.approx(_expected(booster, rows).tolist())


def test_predict_csv_framework_is_one_per_line(booster):
    rows = _dense_rows(4)
    body, content_type = xa.predict(booster, _csv_rows(rows), "text/csv", None, NATIVE)
    assert content_type.startswith("text/csv")
    assert body.endswith(b"\n") and b"," not in body
    values = [float(v) for v in body.decode().splitlines()]
    assert values == pytest.approx(_expected(booster, rows).tolist())


def test_predict_one_row_without_content_type(booster):
    rows = _dense_rows(1)
    body, _ = xa.predict(booster, _csv_rows(rows).rstrip(), None, "*/*", LEGACY)
    assert float(body) == pytest.approx(float(_expected(booster, rows)[0]))


@pytest.mark.parametrize("image", [LEGACY, NATIVE], ids=["legacy", "1.7-1"])
def test_predict_batch_is_always_one_per_line(booster, image):
    rows = _dense_rows(3)
    body, _ = xa.predict(booster, _csv_rows(rows), "text/csv", "text/csv", image, batch=True)
    assert body.endswith(b"\n") and b"," not in body
    assert len(body.decode().splitlines()) == 3


@pytest.mark.parametrize("content_type", ["text/libsvm", "text/x-libsvm", "text/libsvm; charset=utf-8"])
def test_predict_libsvm_ignores_labels_and_accepts_narrower_rows(booster, content_type):
    import xgboost as xgb

    with_one = b"1 0:0.5 1:-0.25 4:1.5\n0:2\n"
    with_zero = b"0 0:0.5 1:-0.25 4:1.5\n0:2\n"
    unlabelled = b"0:0.5 1:-0.25 4:1.5\n0:2\n"
    answers = [xa.predict(booster, p, content_type, "text/csv", NATIVE)[0]
               for p in (with_one, with_zero, unlabelled)]
    assert answers[0] == answers[1] == answers[2]
    # the second row only reaches column 0: the rest are missing, as in the container
    matrix = sp.csr_matrix(([0.5, -0.25, 1.5, 2.0], [0, 1, 4, 0], [0, 3, 4]), shape=(2, N_FEATURES))
    expected = booster.predict(xgb.DMatrix(matrix))
    assert [float(v) for v in answers[0].decode().splitlines()] == pytest.approx(expected.tolist())


def test_predict_libsvm_wider_than_the_model(booster):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, f"1 {N_FEATURES + 2}:1\n".encode(), "text/libsvm", None, NATIVE)
    assert info.value.status == 400


def test_predict_libsvm_unreadable(booster):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, b"1 a:b\n", "text/libsvm", None, NATIVE)
    assert info.value.status == 415


def test_predict_json_accept(booster):
    rows = _dense_rows(3)
    body, content_type = xa.predict(booster, _csv_rows(rows), "text/csv", "application/json", LEGACY)
    assert content_type == "application/json"
    scores = [p["score"] for p in json.loads(body)["predictions"]]
    assert scores == pytest.approx(_expected(booster, rows).tolist())


@pytest.mark.parametrize("content_type", ["application/json", "application/x-recordio-protobuf", "text/plain"])
def test_predict_unsupported_content_type_is_415(booster, content_type):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, b"1,2,3,4,5", content_type, None, NATIVE)
    assert info.value.status == 415
    assert content_type in str(info.value)


@pytest.mark.parametrize("accept", ["text/libsvm", "application/x-recordio-protobuf", "text/html"])
def test_predict_unsupported_accept_is_406(booster, accept):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, b"1,2,3,4,5", "text/csv", accept, NATIVE)
    assert info.value.status == 406
    assert accept in str(info.value)


@pytest.mark.parametrize("payload", [b"", b"\n", b"  \n \n"])
def test_predict_empty_body_is_400(booster, payload):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, payload, "text/csv", None, NATIVE)
    assert info.value.status == 400


@pytest.mark.parametrize("width", [N_FEATURES - 1, N_FEATURES + 1])
def test_predict_csv_with_the_wrong_feature_count_is_400(booster, width):
    payload = ",".join(["0.5"] * width).encode()
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, payload, "text/csv", None, LEGACY)
    assert info.value.status == 400
    assert str(width) in str(info.value) and str(N_FEATURES) in str(info.value)


def test_predict_csv_not_numbers_is_415(booster):
    with pytest.raises(xa.ModelError) as info:
        xa.predict(booster, b"a,b,c,d,e\n", "text/csv", None, NATIVE)
    assert info.value.status == 415
