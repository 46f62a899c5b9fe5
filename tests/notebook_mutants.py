"""Notebooks that do not do the work: the reference solution with one thing broken.

Each mutant names the checks it must fail; tests grade every mutant and compare, so every
check is shown to fail on some notebook.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat


@dataclass(frozen=True)
class Mutant:
    name: str
    replacements: tuple[tuple[str, str], ...]
    fails: frozenset[str]


def write_mutant(source: Path, target: Path, replacements) -> Path:
    """Apply each (old, new) to the code cells; an `old` that is not found is an error."""
    notebook = nbformat.read(source, as_version=4)
    for old, new in replacements:
        hits = [c for c in notebook.cells if c.cell_type == "code" and old in c.source]
        assert hits, f"mutation target not found in {source.name}: {old!r}"
        for cell in hits:
            cell.source = cell.source.replace(old, new)
    nbformat.write(notebook, target)
    return target


MODULE2 = [
    Mutant("wrong-objective", (('objective="binary:logistic"', 'objective="reg:squarederror"'),),
           frozenset({"test_training_job_uses_builtin_xgboost_for_binary_classification"})),
    Mutant("leave-endpoint", (("xgb_predictor.delete_model()\n", ""),
                              ("xgb_predictor.delete_endpoint(delete_endpoint_config=True)", "pass")),
           frozenset({"test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"})),
    Mutant("keep-model-and-config", (("xgb_predictor.delete_model()\n", ""),
                                     ("delete_endpoint_config=True", "delete_endpoint_config=False")),
           frozenset({"test_no_endpoint_config_or_model_left"})),
    Mutant("split-50-25-25", (("int(0.7 * n)", "int(0.5 * n)"), ("int(0.9 * n)", "int(0.75 * n)")),
           frozenset({"test_data_prepared_and_split_70_20_10"})),
    Mutant("made-up-error-rate", (("error_rate = float((predictions != labels).mean())", "error_rate = 0.01"),),
           frozenset({"test_reported_error_rate_is_what_the_endpoint_predicted"})),
    Mutant("other-hyperparameters", (("xgb.set_hyperparameters(max_depth=3,", "xgb.set_hyperparameters(max_depth=6,"),),
           frozenset({"test_training_job_hyperparameters_and_instance"})),
    Mutant("csv-content-type", (('content_type="libsvm"', 'content_type="text/csv"'),),
           frozenset({"test_notebook_ran_without_error", "test_training_channels_come_from_your_bucket",
                      "test_training_completed_with_validation_auc_at_least_0_80",
                      "test_model_artefact_exists", "test_endpoint_served_the_model_trained_by_this_job",
                      "test_reported_error_rate_is_what_the_endpoint_predicted",
                      "test_no_endpoint_left_running", "test_no_endpoint_config_or_model_left"})),
    Mutant("weak-model", (("scale_pos_weight=2.0, num_round=100)", "scale_pos_weight=2.0, num_round=100)\n"
                           "xgb.set_hyperparameters(max_depth=1, eta=0.01, num_round=2, objective='binary:logistic', "
                           "eval_metric='auc', subsample=0.5, scale_pos_weight=2.0)"),),
           frozenset({"test_training_completed_with_validation_auc_at_least_0_80",
                      "test_training_job_hyperparameters_and_instance"})),
    Mutant("artefact-deleted", (("xgb_predictor.delete_endpoint(delete_endpoint_config=True)",
                                 "xgb_predictor.delete_endpoint(delete_endpoint_config=True)\n"
                                 "s3.delete_object(Bucket=bucket, Key=xgb.model_data.split(bucket + '/', 1)[1])"),),
           frozenset({"test_model_artefact_exists"})),
    Mutant("bigger-endpoint", (('xgb.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge"',
                                'xgb.deploy(initial_instance_count=1, instance_type="ml.m5.2xlarge"'),),
           frozenset({"test_endpoint_served_the_model_trained_by_this_job"})),
]
