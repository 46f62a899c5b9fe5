"""What course/backend/moto_patches.py relies on in moto. A moto upgrade that moves any of it
fails here, loudly, before a learner sees a silent, static 'prediction'."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import moto
from moto.iam import models as iam_models
from moto.sagemaker import models as sm_models
from moto.sagemaker import responses as sm_responses
from moto.sagemakerruntime import responses as runtime_responses

from course.backend import moto_patches

ROOT = Path(__file__).resolve().parents[1]


def test_moto_is_the_pinned_version():
    pinned = re.search(r"^moto\[server\]==(\S+)", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert moto.__version__ == pinned


# SageMaker calls moto lacks (it answers them with HTTP 500): we add them
ADDED_BACKEND_METHODS = {"update_notebook_instance"}
ADDED_HANDLERS = {"update_notebook_instance", "create_presigned_notebook_instance_url",
                  "list_notebook_instance_lifecycle_configs", "update_notebook_instance_lifecycle_config",
                  "create_code_repository", "describe_code_repository", "update_code_repository",
                  "delete_code_repository", "list_code_repositories"}


def test_patched_methods_exist_with_the_names_we_read():
    moto_patches.install()
    backend = sm_models.SageMakerModelBackend
    for method, (argument, attribute, _kind, _message) in moto_patches._UNIQUE.items():
        signature = inspect.signature(moto_patches._ORIGINAL[method])
        assert argument in signature.parameters, (method, argument)
        assert attribute in inspect.getsource(backend.__init__), attribute
    for method in moto_patches._PATCHES:
        original = moto_patches._ORIGINAL[method]
        if method in ADDED_BACKEND_METHODS:
            assert original is moto_patches._MISSING, f"moto now has SageMakerModelBackend.{method}: review ours"
        else:
            assert callable(original), f"moto no longer has SageMakerModelBackend.{method}"
    for method in moto_patches._RESPONSES:
        original = moto_patches._ORIGINAL[f"response.{method}"]
        if method in ADDED_HANDLERS:
            assert original is moto_patches._MISSING, f"moto now answers {method}: review notebook_instances.py"
        else:
            assert callable(original), f"moto no longer has SageMakerResponse.{method}"
    assert callable(moto_patches._ORIGINAL["invoke_endpoint"])


def test_the_notebook_instance_model_we_extend():
    """notebook_instances.NotebookInstance subclasses moto's and relies on these names."""
    init = inspect.signature(sm_models.FakeSagemakerNotebookInstance.__init__).parameters
    for argument in ("account_id", "region_name", "notebook_instance_name", "instance_type", "role_arn", "subnet_id",
                     "security_group_ids", "kms_key_id", "tags", "lifecycle_config_name", "direct_internet_access",
                     "volume_size_in_gb", "accelerator_types", "default_code_repository",
                     "additional_code_repositories", "root_access"):
        assert argument in init, argument
    source = inspect.getsource(sm_models.FakeSagemakerNotebookInstance)
    for needed in ('self.status = "Pending"', "self.start()", "self.creation_time = self.last_modified_time",
                   "self.arn", "def validate_instance_type", "def to_dict", '"NotebookInstanceStatus": self.status'):
        assert needed in source, needed
    backend_init = inspect.getsource(sm_models.SageMakerModelBackend.__init__)
    assert "self.notebook_instances" in backend_init
    assert "self.notebook_instance_lifecycle_configurations" in backend_init
    config = inspect.getsource(sm_models.FakeSageMakerNotebookInstanceLifecycleConfig.__init__)
    for attribute in ("notebook_instance_lifecycle_config_name", "on_create", "on_start", "creation_time",
                      "last_modified_time", "arn"):
        assert f"self.{attribute}" in config, attribute
    assert "def _get_resource_from_arn(self, arn: str)" in inspect.getsource(sm_models.SageMakerModelBackend)


def test_the_iam_backend_we_extend_with_aws_managed_policies():
    moto_patches.install()
    for method in moto_patches._POLICY_ARN_METHODS:
        assert "policy_arn" in inspect.signature(moto_patches._ORIGINAL[method]).parameters, method
    assert list(inspect.signature(moto_patches._ORIGINAL["list_policies"]).parameters) == [
        "self", "marker", "max_items", "only_attached", "path_prefix", "scope"]
    assert list(inspect.signature(moto_patches._ORIGINAL["get_account_authorization_details"]).parameters) == [
        "self", "policy_filter"]
    init = inspect.getsource(iam_models.IAMBackend.__init__)
    assert "self.aws_managed_policies" in init and "self.managed_policies" in init
    assert "AmazonSageMakerFullAccess" in moto_patches._aws_policy_data()
    assert callable(iam_models.AWSManagedPolicy.from_data)


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
    for method, handler in moto_patches._RESPONSES.items():
        assert getattr(sm_responses.SageMakerResponse, method) is handler
    for method in moto_patches._IAM_PATCHES:
        assert getattr(iam_models.IAMBackend, method) is not moto_patches._ORIGINAL[method]
    assert runtime_responses.SageMakerRuntimeResponse.invoke_endpoint is moto_patches._invoke_endpoint
