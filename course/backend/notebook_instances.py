"""SageMaker notebook instances, their lifecycle configurations and code repositories, as AWS runs them.

moto makes a notebook instance InService the moment it is created, stops and starts it at once from
any status, and lacks UpdateNotebookInstance, CreatePresignedNotebookInstanceUrl, the lifecycle
configuration list/update and every code-repository call (HTTP 500). Here:

- Status moves by itself, as on AWS: Create -> Pending -> InService; Stop (InService only) ->
  Stopping -> Stopped; Start (Stopped or Failed) -> Pending -> InService; Update (Stopped or
  Failed) -> Updating -> Stopped; Delete (Stopped or Failed) -> Deleting -> gone, after which
  every call answers the ValidationException "RecordNotFound". Each transitional status lasts
  GRADER_NOTEBOOK_INSTANCE_DELAY_S seconds (default 1.5). Transitions are applied when the
  instance is next read, so no timer threads are left behind.
- A transition from the wrong status answers AWS's own ValidationException, e.g. "Status
  (InService) not in ([Stopped, Failed]). Unable to transition to (Deleting) for Notebook
  Instance (arn:...)."
- ARNs carry the name in lower case, as SageMaker writes them.
- Describe and List have AWS's shapes and defaults (RootAccess Enabled, IMDS minimum version 1,
  DirectInternetAccess Enabled, 5 GB); List honours every filter and sort AWS documents.

moto_patches.py wires these functions into moto's SageMaker backend and response classes.
"""
from __future__ import annotations

import base64
import datetime as dt
import os
import re
import secrets
import threading
import time

import botocore.session
from moto.sagemaker import models as sm_models
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.utils import arn_formatter

DELAY_ENV = "GRADER_NOTEBOOK_INSTANCE_DELAY_S"
DEFAULT_DELAY_S = 1.5
NAME_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9])*"
_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*")
_LOCK = threading.RLock()
# status reached when a transitional status has lasted the delay; None: the instance is gone
_SETTLES_TO = {"Pending": "InService", "Stopping": "Stopped", "Updating": "Stopped", "Deleting": None}
_MAX_RESULTS = 100
_model_cache: dict[str, object] = {}


def delay_s() -> float:
    return float(os.environ.get(DELAY_ENV, DEFAULT_DELAY_S))


def _service_model():
    if "sagemaker" not in _model_cache:
        _model_cache["sagemaker"] = botocore.session.get_session().get_service_model("sagemaker")
    return _model_cache["sagemaker"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # moto keeps naive UTC datetimes


def _arn(kind: str, name: str, backend) -> str:
    return arn_formatter(kind, name.lower(), backend.account_id, backend.region_name)


def _invalid(value, member: str, constraint: str) -> ValidationError:
    return ValidationError(f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
                           f"constraint: {constraint}")


def _check_name(name: str, member: str) -> None:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or len(name) > 63:
        raise _invalid(name, member, f"Member must satisfy regular expression pattern: {NAME_PATTERN}")


def _check_instance_type(instance_type: str) -> None:
    allowed = _service_model().shape_for("InstanceType").enum
    if instance_type not in allowed:
        raise _invalid(instance_type, "instanceType", f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def _transition_error(instance, allowed: str, target: str) -> ValidationError:
    return ValidationError(f"Status ({instance.status}) not in ([{allowed}]). Unable to transition to ({target}) "
                           f"for Notebook Instance ({instance.arn}).")


def _record_not_found() -> ValidationError:
    return ValidationError("RecordNotFound")


# ------------------------------------------------------------------ the instance
class NotebookInstance(sm_models.FakeSagemakerNotebookInstance):
    """moto's notebook instance whose status moves by itself through AWS's transitional statuses."""

    def __init__(self, backend, *, platform_identifier=None, instance_metadata_service_configuration=None,
                 ip_address_type=None, **kwargs):
        self._next: tuple[float, str | None] | None = None
        self._status = "Pending"
        self.gone = False
        self.failure_reason = None
        super().__init__(account_id=backend.account_id, region_name=backend.region_name, **kwargs)
        self.arn = _arn("notebook-instance", self.notebook_instance_name, backend)
        self.root_access = self.root_access or "Enabled"
        self.platform_identifier = platform_identifier
        self.instance_metadata_service_configuration = instance_metadata_service_configuration or {
            "MinimumInstanceMetadataServiceVersion": "1"}
        self.ip_address_type = ip_address_type
        self.network_interface_id = f"eni-{secrets.token_hex(8)}" if self.subnet_id else None

    def validate_instance_type(self, instance_type: str) -> None:
        """Checked against the service model's full list before construction (moto's list is dated)."""

    # moto's __init__ sets status and calls start(); both go through the lifecycle below
    @property
    def status(self) -> str:
        with _LOCK:
            if self._next is not None and time.time() >= self._next[0]:
                due, settled = self._next
                self._next = None
                self.last_modified_time = dt.datetime.fromtimestamp(due, dt.UTC).replace(tzinfo=None)
                if settled is None:
                    self.gone = True
                else:
                    self._status = settled
            return self._status

    @status.setter
    def status(self, value: str) -> None:
        with _LOCK:
            self._status = value
            settles_to = _SETTLES_TO.get(value, "")
            self._next = (time.time() + delay_s(), settles_to) if settles_to != "" else None
            if hasattr(self, "creation_time"):
                self.last_modified_time = _now()

    def start(self) -> None:
        self.status = "Pending"

    def stop(self) -> None:
        self.status = "Stopping"

    @property
    def url(self) -> str:
        return f"{self.notebook_instance_name.lower()}.notebook.{self.region_name}.sagemaker.aws"

    def to_dict(self) -> dict:
        status = self.status
        shape = super().to_dict()
        shape.update(NotebookInstanceStatus=status, FailureReason=self.failure_reason,
                     NetworkInterfaceId=self.network_interface_id, PlatformIdentifier=self.platform_identifier,
                     InstanceMetadataServiceConfiguration=self.instance_metadata_service_configuration,
                     IpAddressType=self.ip_address_type, SecurityGroups=self.security_group_ids or None)
        return {k: v for k, v in shape.items() if v not in (None, [])}


def _instances(backend) -> dict:
    """The backend's notebook instances, less those whose deletion has completed."""
    with _LOCK:
        for name, instance in list(backend.notebook_instances.items()):
            instance.status  # noqa: B018 - reading the status applies a transition that is due
            if getattr(instance, "gone", False):
                del backend.notebook_instances[name]
        return backend.notebook_instances


def _find(mapping: dict, name: str):
    """SageMaker names are unique regardless of case (its ARNs are lower case)."""
    if name in mapping:
        return mapping[name]
    lowered = (name or "").lower()
    return next((v for k, v in mapping.items() if k.lower() == lowered), None)


# ------------------------------------------------------------------ backend methods (SageMakerModelBackend)
def create_notebook_instance(self, notebook_instance_name, instance_type, role_arn, subnet_id=None,
                             security_group_ids=None, kms_key_id=None, tags=None, lifecycle_config_name=None,
                             direct_internet_access=None, volume_size_in_gb=None, accelerator_types=None,
                             default_code_repository=None, additional_code_repositories=None, root_access=None,
                             platform_identifier=None, instance_metadata_service_configuration=None,
                             ip_address_type=None):
    _check_name(notebook_instance_name, "notebookInstanceName")
    _check_instance_type(instance_type)
    with _LOCK:
        existing = _find(_instances(self), notebook_instance_name)
        if existing is not None:
            raise ValidationError(f"Cannot create a duplicate Notebook Instance ({existing.arn})")
        if lifecycle_config_name:
            _lifecycle_config(self, lifecycle_config_name)
        _check_repository(self, default_code_repository, "defaultCodeRepository")
        for repository in additional_code_repositories or []:
            _check_repository(self, repository, "additionalCodeRepositories")
        instance = NotebookInstance(
            self, notebook_instance_name=notebook_instance_name, instance_type=instance_type, role_arn=role_arn,
            subnet_id=subnet_id, security_group_ids=security_group_ids, kms_key_id=kms_key_id, tags=tags,
            lifecycle_config_name=lifecycle_config_name, direct_internet_access=direct_internet_access or "Enabled",
            volume_size_in_gb=volume_size_in_gb if volume_size_in_gb is not None else 5,
            accelerator_types=accelerator_types, default_code_repository=default_code_repository,
            additional_code_repositories=additional_code_repositories, root_access=root_access,
            platform_identifier=platform_identifier,
            instance_metadata_service_configuration=instance_metadata_service_configuration,
            ip_address_type=ip_address_type)
        self.notebook_instances[notebook_instance_name] = instance
        return instance


def get_notebook_instance(self, notebook_instance_name):
    instance = _find(_instances(self), notebook_instance_name)
    if instance is None:
        raise _record_not_found()
    return instance


def start_notebook_instance(self, notebook_instance_name):
    with _LOCK:
        instance = get_notebook_instance(self, notebook_instance_name)
        if instance.status not in ("Stopped", "Failed"):
            raise _transition_error(instance, "Stopped, Failed", "Pending")
        instance.failure_reason = None
        instance.start()


def stop_notebook_instance(self, notebook_instance_name):
    with _LOCK:
        instance = get_notebook_instance(self, notebook_instance_name)
        if instance.status != "InService":
            raise _transition_error(instance, "InService", "Stopping")
        instance.stop()


def delete_notebook_instance(self, notebook_instance_name):
    with _LOCK:
        instance = get_notebook_instance(self, notebook_instance_name)
        if instance.status not in ("Stopped", "Failed"):
            raise _transition_error(instance, "Stopped, Failed", "Deleting")
        instance.status = "Deleting"


def update_notebook_instance(self, notebook_instance_name, **changes):
    with _LOCK:
        instance = get_notebook_instance(self, notebook_instance_name)
        if instance.status not in ("Stopped", "Failed"):
            raise _transition_error(instance, "Stopped, Failed", "Updating")
        if changes.get("instance_type"):
            _check_instance_type(changes["instance_type"])
        if changes.get("lifecycle_config_name"):
            _lifecycle_config(self, changes["lifecycle_config_name"])
        _check_repository(self, changes.get("default_code_repository"), "defaultCodeRepository")
        for repository in changes.get("additional_code_repositories") or []:
            _check_repository(self, repository, "additionalCodeRepositories")
        for attribute in ("instance_type", "role_arn", "lifecycle_config_name", "volume_size_in_gb",
                          "default_code_repository", "additional_code_repositories", "accelerator_types",
                          "root_access", "platform_identifier", "instance_metadata_service_configuration",
                          "ip_address_type"):
            if changes.get(attribute) is not None:
                setattr(instance, attribute, changes[attribute])
        for flag, attribute in (("disassociate_lifecycle_config", "lifecycle_config_name"),
                                ("disassociate_accelerator_types", "accelerator_types"),
                                ("disassociate_default_code_repository", "default_code_repository"),
                                ("disassociate_additional_code_repositories", "additional_code_repositories")):
            if changes.get(flag):
                setattr(instance, attribute, None)
        instance.status = "Updating"


def _as_datetime(value):
    if value is None or isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value and value.tzinfo else value
    return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)


def _in_window(resource, filters) -> bool:
    for attribute, before, after in (("creation_time", "CreationTimeBefore", "CreationTimeAfter"),
                                     ("last_modified_time", "LastModifiedTimeBefore", "LastModifiedTimeAfter")):
        value = getattr(resource, attribute)
        if filters.get(before) is not None and not value < _as_datetime(filters[before]):
            return False
        if filters.get(after) is not None and not value > _as_datetime(filters[after]):
            return False
    return True


def _page(items: list, next_token, max_results) -> tuple[list, str | None]:
    try:
        start = int(base64.b64decode(next_token).decode()) if next_token else 0
    except ValueError:
        raise ValidationError("Invalid pagination token because \"NextToken\" is not valid.") from None
    size = int(max_results or _MAX_RESULTS)
    end = start + size
    token = base64.b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


def _sorted(items: list, sort_by: str, sort_order: str, keys: dict) -> list:
    return sorted(items, key=keys.get(sort_by or "Name", keys["Name"]), reverse=sort_order == "Descending")


def list_notebook_instances(self, filters: dict, next_token=None, max_results=None):
    with _LOCK:
        instances = list(_instances(self).values())
    contains = (filters.get("NameContains") or "").lower()
    status = filters.get("StatusEquals")
    config = (filters.get("NotebookInstanceLifecycleConfigNameContains") or "").lower()
    default_repo = filters.get("DefaultCodeRepositoryContains")
    additional = filters.get("AdditionalCodeRepositoryEquals")
    chosen = [i for i in instances
              if contains in i.notebook_instance_name.lower()
              and (not status or i.status == status)
              and (not config or config in (i.lifecycle_config_name or "").lower())
              and (not default_repo or default_repo in (i.default_code_repository or ""))
              and (not additional or additional in (i.additional_code_repositories or []))
              and _in_window(i, filters)]
    chosen = _sorted(chosen, filters.get("SortBy"), filters.get("SortOrder"),
                     {"Name": lambda i: i.notebook_instance_name, "CreationTime": lambda i: i.creation_time,
                      "Status": lambda i: i.status})
    return _page(chosen, next_token, max_results)


def create_presigned_notebook_instance_url(self, notebook_instance_name, session_expiration_duration_in_seconds=None):
    instance = get_notebook_instance(self, notebook_instance_name)
    seconds = session_expiration_duration_in_seconds
    if seconds is not None and not 1800 <= int(seconds) <= 43200:
        constraint = ("Member must have value greater than or equal to 1800" if int(seconds) < 1800
                      else "Member must have value less than or equal to 43200")
        raise _invalid(seconds, "sessionExpirationDurationInSeconds", constraint)
    return f"https://{instance.url}?authToken={secrets.token_urlsafe(96)}"


# ------------------------------------------------------------------ lifecycle configurations
def _lifecycle_config(backend, name):
    config = _find(backend.notebook_instance_lifecycle_configurations, name)
    if config is None:
        arn = _arn("notebook-instance-lifecycle-config", name, backend)
        raise ValidationError(f"Unable to describe Notebook Instance Lifecycle Config '{arn}'. "
                              "(Details: Notebook Instance Lifecycle Config does not exist.)")
    return config


def lowercase_lifecycle_config_arn(self, config) -> None:
    config.arn = _arn("notebook-instance-lifecycle-config", config.notebook_instance_lifecycle_config_name, self)


def list_notebook_instance_lifecycle_configs(self, filters: dict, next_token=None, max_results=None):
    contains = (filters.get("NameContains") or "").lower()
    configs = [c for c in self.notebook_instance_lifecycle_configurations.values()
               if contains in c.notebook_instance_lifecycle_config_name.lower() and _in_window(c, filters)]
    configs = _sorted(configs, filters.get("SortBy"), filters.get("SortOrder"),
                      {"Name": lambda c: c.notebook_instance_lifecycle_config_name,
                       "CreationTime": lambda c: c.creation_time, "LastModifiedTime": lambda c: c.last_modified_time})
    return _page(configs, next_token, max_results)


def update_notebook_instance_lifecycle_config(self, name, on_create=None, on_start=None):
    config = _lifecycle_config(self, name)
    if on_create is not None:
        config.on_create = on_create
    if on_start is not None:
        config.on_start = on_start
    config.last_modified_time = _now()


# ------------------------------------------------------------------ code repositories
class CodeRepository:
    def __init__(self, backend, name: str, git_config: dict, tags: list | None):
        self.name = name
        self.arn = _arn("code-repository", name, backend)
        self.git_config = dict(git_config)
        self.tags = list(tags or [])
        self.creation_time = self.last_modified_time = _now()

    def summary(self) -> dict:
        return {"CodeRepositoryName": self.name, "CodeRepositoryArn": self.arn, "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified_time, "GitConfig": self.git_config}


def code_repositories(backend) -> dict[str, CodeRepository]:
    with _LOCK:
        return backend.__dict__.setdefault("grader_code_repositories", {})


def _repository(backend, name) -> CodeRepository:
    repository = _find(code_repositories(backend), name)
    if repository is None:
        raise ValidationError(f"Cannot find CodeRepository with name {name}")
    return repository


def _check_repository(backend, repository, member: str) -> None:
    """A notebook instance's repository is an https Git URL or the name of a code repository in the account."""
    if repository is None or repository.startswith("https://"):
        return
    if not _NAME_RE.fullmatch(repository):
        raise _invalid(repository, member, "Member must satisfy regular expression pattern: "
                                           f"^https://([^/]+)/?(.*)$|{NAME_PATTERN}")
    _repository(backend, repository)


def create_code_repository(self, name, git_config, tags=None) -> CodeRepository:
    _check_name(name, "codeRepositoryName")
    if not re.fullmatch(r"https://([^/]+)/?.{3,1016}", (git_config or {}).get("RepositoryUrl") or ""):
        raise _invalid((git_config or {}).get("RepositoryUrl"), "gitConfig.repositoryUrl",
                       "Member must satisfy regular expression pattern: ^https://([^/]+)/?.{3,1016}$")
    with _LOCK:
        repositories = code_repositories(self)
        existing = _find(repositories, name)
        if existing is not None:
            raise ValidationError(f"Cannot create CodeRepository {existing.arn} because it already exists.")
        repositories[name] = CodeRepository(self, name, git_config, tags)
        return repositories[name]


def update_code_repository(self, name, git_config=None) -> CodeRepository:
    with _LOCK:
        repository = _repository(self, name)
        if git_config and git_config.get("SecretArn"):
            repository.git_config["SecretArn"] = git_config["SecretArn"]
        repository.last_modified_time = _now()
        return repository


def delete_code_repository(self, name) -> None:
    with _LOCK:
        repository = _repository(self, name)
        del code_repositories(self)[repository.name]


def list_code_repositories(self, filters: dict, next_token=None, max_results=None):
    contains = (filters.get("NameContains") or "").lower()
    chosen = [r for r in code_repositories(self).values() if contains in r.name.lower() and _in_window(r, filters)]
    chosen = _sorted(chosen, filters.get("SortBy"), filters.get("SortOrder"),
                     {"Name": lambda r: r.name, "CreationTime": lambda r: r.creation_time,
                      "LastModifiedTime": lambda r: r.last_modified_time})
    return _page(chosen, next_token, max_results)


# ------------------------------------------------------------------ tags by ARN
TAGGABLE = {"notebook-instance": lambda b: _instances(b),
            "notebook-instance-lifecycle-config": lambda b: b.notebook_instance_lifecycle_configurations,
            "code-repository": code_repositories}


def resource_from_arn(self, arn: str):
    """The tagged resource of one of our kinds (None for other kinds); AWS's error when it does not exist."""
    kind, _, name = arn.split(":")[-1].partition("/")
    if kind not in TAGGABLE:
        return None
    resource = _find(TAGGABLE[kind](self), name)
    if resource is None:
        raise ValidationError(f"Could not find {kind} with name {name}")
    if not hasattr(resource, "tags"):
        resource.tags = []
    return resource


# ------------------------------------------------------------------ response handlers (SageMakerResponse)
def _params(response, *names: str) -> dict:
    return {name: response._get_param(name) for name in names}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


_CREATE_PARAMS = ("InstanceType", "RoleArn", "SubnetId", "SecurityGroupIds", "KmsKeyId", "Tags",
                  "LifecycleConfigName", "DirectInternetAccess", "VolumeSizeInGB", "AcceleratorTypes",
                  "DefaultCodeRepository", "AdditionalCodeRepositories", "RootAccess", "PlatformIdentifier",
                  "InstanceMetadataServiceConfiguration", "IpAddressType")
_UPDATE_PARAMS = ("InstanceType", "RoleArn", "LifecycleConfigName", "DisassociateLifecycleConfig", "VolumeSizeInGB",
                  "DefaultCodeRepository", "AdditionalCodeRepositories", "AcceleratorTypes",
                  "DisassociateAcceleratorTypes", "DisassociateDefaultCodeRepository",
                  "DisassociateAdditionalCodeRepositories", "RootAccess", "PlatformIdentifier",
                  "InstanceMetadataServiceConfiguration", "IpAddressType")
_LIST_FILTERS = ("SortBy", "SortOrder", "NameContains", "CreationTimeBefore", "CreationTimeAfter",
                 "LastModifiedTimeBefore", "LastModifiedTimeAfter")


def _kwargs(response, names) -> dict:
    renamed = {"VolumeSizeInGB": "volume_size_in_gb", "SecurityGroupIds": "security_group_ids"}
    return {renamed.get(n, _snake(n)): v for n, v in _params(response, *names).items()}


def _result(body: dict):
    from moto.core.responses import ActionResult

    return ActionResult({k: v for k, v in body.items() if v is not None})


def respond_create_notebook_instance(self):
    instance = self.sagemaker_backend.create_notebook_instance(
        notebook_instance_name=self._get_param("NotebookInstanceName"), **_kwargs(self, _CREATE_PARAMS))
    return _result({"NotebookInstanceArn": instance.arn})


def respond_update_notebook_instance(self):
    self.sagemaker_backend.update_notebook_instance(self._get_param("NotebookInstanceName"),
                                                    **_kwargs(self, _UPDATE_PARAMS))
    return _result({})


def respond_list_notebook_instances(self):
    filters = _params(self, *_LIST_FILTERS, "StatusEquals", "NotebookInstanceLifecycleConfigNameContains",
                      "DefaultCodeRepositoryContains", "AdditionalCodeRepositoryEquals")
    instances, token = list_notebook_instances(self.sagemaker_backend, filters, self._get_param("NextToken"),
                                               self._get_param("MaxResults"))
    return _result({"NotebookInstances": [i.to_dict() for i in instances], "NextToken": token})


def respond_create_presigned_notebook_instance_url(self):
    url = create_presigned_notebook_instance_url(self.sagemaker_backend, self._get_param("NotebookInstanceName"),
                                                 self._get_param("SessionExpirationDurationInSeconds"))
    return _result({"AuthorizedUrl": url})


def respond_list_notebook_instance_lifecycle_configs(self):
    configs, token = list_notebook_instance_lifecycle_configs(
        self.sagemaker_backend, _params(self, *_LIST_FILTERS), self._get_param("NextToken"),
        self._get_param("MaxResults"))
    return _result({"NotebookInstanceLifecycleConfigs": [
        {"NotebookInstanceLifecycleConfigName": c.notebook_instance_lifecycle_config_name,
         "NotebookInstanceLifecycleConfigArn": c.arn, "CreationTime": c.creation_time,
         "LastModifiedTime": c.last_modified_time} for c in configs], "NextToken": token})


def respond_update_notebook_instance_lifecycle_config(self):
    update_notebook_instance_lifecycle_config(
        self.sagemaker_backend, self._get_param("NotebookInstanceLifecycleConfigName"),
        self._get_param("OnCreate"), self._get_param("OnStart"))
    return _result({})


def respond_create_code_repository(self):
    repository = create_code_repository(self.sagemaker_backend, self._get_param("CodeRepositoryName"),
                                        self._get_param("GitConfig"), self._get_param("Tags"))
    return _result({"CodeRepositoryArn": repository.arn})


def respond_describe_code_repository(self):
    return _result(_repository(self.sagemaker_backend, self._get_param("CodeRepositoryName")).summary())


def respond_update_code_repository(self):
    repository = update_code_repository(self.sagemaker_backend, self._get_param("CodeRepositoryName"),
                                        self._get_param("GitConfig"))
    return _result({"CodeRepositoryArn": repository.arn})


def respond_delete_code_repository(self):
    delete_code_repository(self.sagemaker_backend, self._get_param("CodeRepositoryName"))
    return _result({})


def respond_list_code_repositories(self):
    repositories, token = list_code_repositories(self.sagemaker_backend, _params(self, *_LIST_FILTERS),
                                                 self._get_param("NextToken"), self._get_param("MaxResults"))
    return _result({"CodeRepositorySummaryList": [r.summary() for r in repositories], "NextToken": token})


# moto_patches installs these: backend methods replaced or added, and response handlers
BACKEND_METHODS = {
    "create_notebook_instance": create_notebook_instance,
    "get_notebook_instance": get_notebook_instance,
    "start_notebook_instance": start_notebook_instance,
    "stop_notebook_instance": stop_notebook_instance,
    "delete_notebook_instance": delete_notebook_instance,
    "update_notebook_instance": update_notebook_instance,
}
RESPONSE_METHODS = {
    "create_notebook_instance": respond_create_notebook_instance,
    "update_notebook_instance": respond_update_notebook_instance,
    "list_notebook_instances": respond_list_notebook_instances,
    "create_presigned_notebook_instance_url": respond_create_presigned_notebook_instance_url,
    "list_notebook_instance_lifecycle_configs": respond_list_notebook_instance_lifecycle_configs,
    "update_notebook_instance_lifecycle_config": respond_update_notebook_instance_lifecycle_config,
    "create_code_repository": respond_create_code_repository,
    "describe_code_repository": respond_describe_code_repository,
    "update_code_repository": respond_update_code_repository,
    "delete_code_repository": respond_delete_code_repository,
    "list_code_repositories": respond_list_code_repositories,
}
