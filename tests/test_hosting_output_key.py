"""Unit tests of course/backend/hosting.py output_key: where a batch transform writes each answer.

SageMaker's rule: `<S3OutputPath>/<key relative to the input prefix>.out`.
"""
from __future__ import annotations

import pytest

from course.backend.hosting import output_key


def test_prefix_naming_a_folder():
    # the workshop's layout: a folder `csv-test` holding a file named like it
    assert output_key("data/csv-test", "data/csv-test/csv-test.csv", "data/batch-out") == \
        "data/batch-out/csv-test.csv.out"


def test_prefix_ending_in_a_slash():
    assert output_key("data/csv-test/", "data/csv-test/csv-test.csv", "data/batch-out") == \
        "data/batch-out/csv-test.csv.out"


@pytest.mark.parametrize("prefix", ["data/csv-test", "data/csv-test/"])
def test_several_objects_under_one_prefix(prefix):
    keys = ["data/csv-test/part-0.csv", "data/csv-test/part-1.csv"]
    assert [output_key(prefix, k, "out") for k in keys] == ["out/part-0.csv.out", "out/part-1.csv.out"]


def test_prefix_naming_one_object():
    assert output_key("data/csv-test/test.csv", "data/csv-test/test.csv", "out/batch") == "out/batch/test.csv.out"


def test_prefix_naming_one_object_at_the_bucket_root():
    assert output_key("test.csv", "test.csv", "out") == "out/test.csv.out"


@pytest.mark.parametrize("prefix", ["data/in", "data/in/"])
def test_nested_folders_keep_their_relative_path(prefix):
    assert output_key(prefix, "data/in/2024/01/rows.csv", "out") == "out/2024/01/rows.csv.out"
    assert output_key(prefix, "data/in/a/b.libsvm", "results/run-1") == "results/run-1/a/b.libsvm.out"


def test_empty_output_prefix():
    assert output_key("data/csv-test", "data/csv-test/csv-test.csv", "") == "csv-test.csv.out"
    assert output_key("data/in/", "data/in/a/b.csv", "") == "a/b.csv.out"
    assert output_key("data/test.csv", "data/test.csv", "") == "test.csv.out"


def test_empty_input_prefix_is_the_whole_bucket():
    assert output_key("", "a/b.csv", "out") == "out/a/b.csv.out"
    assert output_key("", "top.csv", "out") == "out/top.csv.out"


def test_output_key_never_starts_with_a_slash():
    for prefix, key, out in [("data/in", "data/in/x.csv", ""), ("data/in/", "data/in/x.csv", ""),
                             ("x.csv", "x.csv", ""), ("", "x.csv", "")]:
        assert not output_key(prefix, key, out).startswith("/")
        assert output_key(prefix, key, out).endswith("x.csv.out")
