"""Unit tests of the ledger: course/kernel/ledger_recorder.py (writing) and course/ledger.py (reading).

The recorder patches botocore.session.Session.__init__ for good, so its end-to-end tests run in
a subprocess, against a moto server started there, with dummy credentials and no network.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course.kernel.ledger_recorder import summarise
from course.ledger import Call, Ledger

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ summarise
def test_summarise_bytes_gives_size_and_lines():
    assert summarise(b"1,2\n3,4\n") == {"bytes": 8, "lines": 2}
    assert summarise(b"1,2\n3,4") == {"bytes": 7, "lines": 2}  # a last line without newline counts
    assert summarise(b"one line") == {"bytes": 8, "lines": 1}
    assert summarise(b"") == {"bytes": 0, "lines": 0}
    assert summarise(bytearray(b"a\nb\nc\n")) == {"bytes": 6, "lines": 3}


def test_summarise_str_body_is_summarised_by_its_utf8_size():
    assert summarise({"Body": "a\nb"}) == {"Body": {"bytes": 3, "lines": 2}}
    assert summarise({"Body": "é\n"}) == {"Body": {"bytes": 3, "lines": 1}}
    # only a Body is summarised: other strings are kept
    assert summarise({"ContentType": "text/csv"}) == {"ContentType": "text/csv"}


def test_summarise_drops_secrets_at_any_depth():
    params = {
        "RoleArn": "arn:aws:iam::123456789012:role/x",
        "SecretAccessKey": "s3cr3t", "SessionToken": "tok", "DbPassword": "pw",
        "Credentials": {"AccessKeyId": "AKIA"},
        "Environment": {"API_TOKEN": "t", "MODE": "fast", "my_secret_value": "v"},
        "Containers": [{"Image": "img", "Password": "p"}],
    }
    out = summarise(params)
    assert out == {
        "RoleArn": "arn:aws:iam::123456789012:role/x",
        "Environment": {"MODE": "fast"},
        "Containers": [{"Image": "img"}],
    }
    assert "s3cr3t" not in json.dumps(out)


def test_summarise_truncates_long_strings():
    assert summarise("x" * 2048) == "x" * 2048
    long = summarise("y" * 5000)
    assert long == "y" * 2048 + "..."
    assert summarise({"Tags": [{"Value": "z" * 3000}]})["Tags"][0]["Value"] == "z" * 2048 + "..."


def test_summarise_keeps_scalars():
    assert summarise({"n": 3, "f": 0.5, "b": True, "none": None}) == {"n": 3, "f": 0.5, "b": True, "none": None}


def test_summarise_nested_structures():
    params = {
        "TrainingJobName": "job",
        "HyperParameters": {"num_round": "100", "eta": "0.1"},
        "InputDataConfig": [
            {"ChannelName": "train",
             "DataSource": {"S3DataSource": {"S3Uri": "s3://b/train", "S3DataType": "S3Prefix"}}},
        ],
        "Payload": (b"a\n", "b"),
    }
    out = summarise(params)
    assert out["HyperParameters"] == {"num_round": "100", "eta": "0.1"}
    assert out["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://b/train"
    assert out["Payload"] == [{"bytes": 2, "lines": 1}, "b"]
    json.dumps(out)  # JSON-safe


def test_summarise_limits_depth_and_list_length():
    deep = {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}
    out = summarise(deep)
    assert out["a"]["b"]["c"]["d"]["e"]["f"]["g"] == "..."
    assert len(summarise(list(range(250)))) == 100


def test_summarise_streams_and_other_objects():
    stream = io.BytesIO(b"abc")
    assert summarise({"Body": stream}) == {"Body": {"stream": "BytesIO", "bytes": 3}}
    assert stream.read() == b"abc"  # left where it was for the upload
    when = dt.datetime(2024, 1, 2, 3, 4, 5)
    assert summarise({"Time": when}) == {"Time": str(when)}

    class Verbose:
        def __str__(self):
            return "q" * 500

    assert summarise(Verbose()) == "q" * 200


# ------------------------------------------------------------------ Ledger.read
def _entry(operation, status, service="sagemaker", **extra):
    return json.dumps({"time": "2024-01-01T00:00:00+00:00", "service": service, "operation": operation,
                       "status": status, "agent": "sdk", **extra})


def test_read_skips_a_truncated_last_line(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text(
        _entry("CreateTrainingJob", 200, params={"TrainingJobName": "job-1"},
               result={"TrainingJobArn": "arn:job-1"}) + "\n"
        + _entry("CreateModel", 200, params={"ModelName": "model-1"}) + "\n"
        + '{"time": "2024-01-01T00:00:01+00:00", "service": "sagemaker", "operation": "CreateEndp'
    )
    ledger = Ledger.read(path)
    assert len(ledger) == 2
    first = ledger.calls[0]
    assert first == Call("sagemaker", "CreateTrainingJob", 200, {"TrainingJobName": "job-1"},
                         {"TrainingJobArn": "arn:job-1"}, None, "sdk", "2024-01-01T00:00:00+00:00", {})
    assert [c.operation for c in ledger.calls] == ["CreateTrainingJob", "CreateModel"]


def test_read_a_missing_ledger_is_empty(tmp_path):
    ledger = Ledger.read(tmp_path / "nothing.jsonl")
    assert len(ledger) == 0
    assert ledger.created("Endpoint") == []


def test_read_skips_blank_and_broken_lines_anywhere(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n" + _entry("CreateModel", 200) + "\nnot json\n\n" + _entry("DeleteModel", 200) + "\n")
    assert [c.operation for c in Ledger.read(path).calls] == ["CreateModel", "DeleteModel"]


def test_read_fills_defaults(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text(json.dumps({"operation": "CreateBucket", "status": 200, "params": None}) + "\n")
    call = Ledger.read(path).calls[0]
    assert (call.service, call.params, call.result, call.error, call.agent, call.response) == \
        ("", {}, {}, None, "sdk", {})


@pytest.fixture
def mixed_ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    lines = [
        _entry("CreateTrainingJob", 400, params={"TrainingJobName": "bad-job"},
               error={"code": "ValidationException", "message": "nope"}),
        _entry("CreateTrainingJob", 200, params={"TrainingJobName": "job-1"}),
        _entry("CreateModel", 200, params={"ModelName": "model-1"}),
        _entry("CreateEndpointConfig", 200, params={"EndpointConfigName": "config-1"}),
        _entry("CreateEndpoint", None, params={"EndpointName": "lost-answer"}),
        _entry("CreateEndpoint", 200, params={"EndpointName": "endpoint-1"}),
        _entry("CreateEndpoint", 201, params={}),
        _entry("CreateEndpoint", 300, params={"EndpointName": "redirected"}),
        _entry("InvokeEndpoint", 200, service="sagemaker-runtime", params={"EndpointName": "endpoint-1"},
               response={"bytes": 5, "content_type": "text/csv", "text": "0.5\n"}),
        _entry("InvokeEndpoint", 424, service="sagemaker-runtime", params={"EndpointName": "endpoint-1"}),
        _entry("CreateTrainingJob", 200, params={"TrainingJobName": "job-2"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    return Ledger.read(path)


def test_created_keeps_successful_creates_only(mixed_ledger):
    assert [c.params["TrainingJobName"] for c in mixed_ledger.created("TrainingJob")] == ["job-1", "job-2"]
    assert len(mixed_ledger.created("Endpoint")) == 2  # 200 and 201; not None, not 300
    assert mixed_ledger.created("Model")[0].params == {"ModelName": "model-1"}
    assert mixed_ledger.created("Transform") == []


def test_names_created(mixed_ledger):
    assert mixed_ledger.names_created("TrainingJob") == ["job-1", "job-2"]
    assert mixed_ledger.names_created("Endpoint") == ["endpoint-1"]  # the one without a name is skipped
    assert mixed_ledger.names_created("EndpointConfig") == ["config-1"]
    assert mixed_ledger.names_created("Model") == ["model-1"]


def test_succeeded_filters_on_status(mixed_ledger):
    invocations = mixed_ledger.succeeded("InvokeEndpoint")
    assert len(invocations) == 1
    assert invocations[0].response["text"] == "0.5\n"
    assert invocations[0].service == "sagemaker-runtime"
    assert len(mixed_ledger.succeeded("CreateTrainingJob")) == 2
    failed = [c for c in mixed_ledger.calls if c.operation == "CreateTrainingJob" and not c.ok]
    assert failed[0].error == {"code": "ValidationException", "message": "nope"}


@pytest.mark.parametrize("status, ok", [(200, True), (204, True), (299, True), (300, False),
                                        (404, False), (None, False)])
def test_call_ok(status, ok):
    assert Call("s3", "PutObject", status).ok is ok


# ------------------------------------------------------------------ the recorder, end to end
_E2E = textwrap.dedent('''
    import json, sys
    ledger_path, mode = sys.argv[1], sys.argv[2]
    if mode == "after-import":
        import botocore.session  # already imported: install() patches Session at once
    from course.kernel import ledger_recorder
    if mode == "before-import":
        assert "botocore.session" not in sys.modules
    ledger_recorder.install(ledger_path)

    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-1")
        url = f"http://{host}:{port}"
        s3 = session.client("s3", endpoint_url=url)
        s3.create_bucket(Bucket="ledger-e2e")
        if mode == "after-import":
            s3.put_object(Bucket="ledger-e2e", Key="data/train.libsvm", Body=b"1 0:1\\n0 0:2\\n")
            s3.list_objects_v2(Bucket="ledger-e2e")  # not mutating: not recorded
            s3.get_object(Bucket="ledger-e2e", Key="data/train.libsvm")["Body"].read()
            try:
                s3.put_object(Bucket="no-such-bucket-e2e", Key="k", Body=b"x")
                raise SystemExit("the failing call did not fail")
            except s3.exceptions.NoSuchBucket:
                pass
            runtime = session.client("sagemaker-runtime", endpoint_url=url)
            answer = runtime.invoke_endpoint(EndpointName="videogames", ContentType="text/libsvm",
                                             Body=b"0:1 1:2\\n0:3\\n")
            print(json.dumps({"caller_read": answer["Body"].read().decode()}))
    finally:
        server.stop()
''')


def _run_recorder(tmp_path, mode: str) -> tuple[list[dict], str]:
    ledger = tmp_path / f"ledger-{mode}.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GRADER_"))}
    env.update(PYTHONPATH=str(ROOT), GRADER_LEDGER_AGENT="unit-test", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(tmp_path / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"))
    result = subprocess.run([sys.executable, "-c", _E2E, str(ledger), mode], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    entries = [json.loads(line) for line in ledger.read_text().splitlines()]
    return entries, result.stdout


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return _run_recorder(tmp_path_factory.mktemp("ledger-e2e"), "after-import")


def test_recorder_writes_mutating_calls_only(recorded):
    entries, _ = recorded
    assert [(e["service"], e["operation"], e["status"]) for e in entries] == [
        ("s3", "CreateBucket", 200),
        ("s3", "PutObject", 200),
        ("s3", "PutObject", 404),
        ("sagemaker-runtime", "InvokeEndpoint", 200),
    ]
    for entry in entries:
        assert entry["agent"] == "unit-test"
        assert dt.datetime.fromisoformat(entry["time"]).tzinfo is not None
        assert isinstance(entry["result"], dict)


def test_recorder_keeps_params_with_bodies_summarised(recorded):
    entries, _ = recorded
    assert entries[0]["params"] == {"Bucket": "ledger-e2e"}
    put = entries[1]["params"]
    assert put["Bucket"] == "ledger-e2e" and put["Key"] == "data/train.libsvm"
    assert isinstance(put["Body"], dict)  # never the raw body
    assert "error" not in entries[1]
    invoke = entries[3]
    assert invoke["params"] == {"EndpointName": "videogames", "ContentType": "text/libsvm",
                                "Body": {"bytes": 12, "lines": 2}}


def test_recorder_records_the_error_of_a_failing_call(recorded):
    entries, _ = recorded
    failed = entries[2]
    assert failed["params"]["Bucket"] == "no-such-bucket-e2e"
    assert failed["error"]["code"] == "NoSuchBucket"
    assert failed["error"]["message"]


def test_recorder_keeps_the_endpoint_answer_and_hands_it_on(recorded):
    entries, stdout = recorded
    response = entries[3]["response"]
    caller_read = json.loads(stdout.strip().splitlines()[-1])["caller_read"]
    assert response["text"] == caller_read  # the notebook still reads the whole answer
    assert response["bytes"] == len(caller_read.encode())
    assert "content_type" in response


def test_recorded_ledger_reads_back(recorded, tmp_path):
    entries, _ = recorded
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    ledger = Ledger.read(path)
    assert len(ledger) == 4
    assert [c.params["Key"] for c in ledger.succeeded("PutObject")] == ["data/train.libsvm"]
    assert ledger.created("Bucket")[0].params == {"Bucket": "ledger-e2e"}
    assert ledger.succeeded("InvokeEndpoint")[0].params["Body"]["lines"] == 2


def test_recorder_summarises_an_s3_put_body_by_size(recorded):
    entries, _ = recorded
    assert entries[1]["params"]["Body"] == {"stream": "BytesIO", "bytes": 12}


def test_recorder_installed_before_botocore_is_imported(tmp_path):
    entries, _ = _run_recorder(tmp_path, "before-import")
    assert [(e["operation"], e["status"], e["params"]) for e in entries] == \
        [("CreateBucket", 200, {"Bucket": "ledger-e2e"})]


def test_summarise_never_fails_on_a_stream_it_cannot_measure():
    class Unmeasurable:
        def read(self):
            return b""

        def tell(self):
            return 0

        def seek(self, *_):
            return None  # like s3transfer's ReadFileChunk... but then tell() lies

    class Broken(Unmeasurable):
        def tell(self):
            raise OSError("not seekable")

    assert summarise({"Body": Broken()}) == {"Body": {"stream": "Broken"}}
    assert summarise({"Body": Unmeasurable()})["Body"]["stream"] == "Unmeasurable"
