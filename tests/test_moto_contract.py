"""What course/backend/moto_patches.py relies on in moto. A moto upgrade that moves any of it
fails here, loudly, before a learner sees a silent, static 'prediction'."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import moto
from moto.sagemaker import models as sm_models
from moto.sagemakerruntime import responses as runtime_responses

from course.backend import moto_patches

ROOT = Path(__file__).resolve().parents[1]


def test_moto_is_the_pinned_version():
    pinned = re.search(r"^moto\[server\]==(\S+)", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert moto.__version__ == pinned


def test_patched_methods_exist_with_the_names_we_read():
    backend = sm_models.SageMakerModelBackend
    for method, (argument, attribute, _kind, _message) in moto_patches._UNIQUE.items():
        signature = inspect.signature(moto_patches._ORIGINAL.get(method) or getattr(backend, method))
        assert argument in signature.parameters, (method, argument)
        assert attribute in inspect.getsource(backend.__init__), attribute
    for method in moto_patches._PATCHES:
        assert callable(getattr(backend, method))
    assert callable(runtime_responses.SageMakerRuntimeResponse.invoke_endpoint)


def test_the_model_attributes_the_emulation_sets_and_reads():
    training = inspect.getsource(sm_models.FakeTrainingJob.__init__)
    for attribute in ("training_job_status", "secondary_status", "final_metric_data_list", "model_artifacts",
                      "secondary_status_transitions", "input_data_config", "hyper_parameters",
                      "algorithm_specification"):
        assert f"self.{attribute}" in training, attribute
    transform = inspect.getsource(sm_models.FakeTransformJob.__init__)
    for attribute in ("transform_job_status", "failure_reason", "transform_input", "transform_output", "model_name"):
        assert f"self.{attribute}" in transform, attribute
    model = inspect.getsource(sm_models.Model.__init__)
    assert "self.primary_container" in model and "self.containers" in model


def test_install_patches_every_method_once():
    moto_patches.install()
    moto_patches.install()
    backend = sm_models.SageMakerModelBackend
    for method in moto_patches._PATCHES:
        assert getattr(backend, method) is not moto_patches._ORIGINAL[method]
    assert runtime_responses.SageMakerRuntimeResponse.invoke_endpoint is moto_patches._invoke_endpoint
