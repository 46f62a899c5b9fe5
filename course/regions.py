"""The course's regions and the built-in XGBoost repositories in each.

The repositories are what `sagemaker.image_uris.retrieve('xgboost', region, v)` gives with the
pinned SDK (tests/test_regions.py compares them), kept here so that a check does not pay the
SDK's 2-3 s import to know them.
"""
from __future__ import annotations

SUPPORTED_REGIONS = ("us-east-1", "us-west-2", "us-east-2", "eu-west-1", "ap-southeast-2")

# region: (legacy algorithm `xgboost:latest|1`, framework `sagemaker-xgboost:<version>`)
XGBOOST_REPOSITORIES = {
    "us-east-1": ("811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost",
                  "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost"),
    "us-west-2": ("433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost",
                  "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost"),
    "us-east-2": ("825641698319.dkr.ecr.us-east-2.amazonaws.com/xgboost",
                  "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost"),
    "eu-west-1": ("685385470294.dkr.ecr.eu-west-1.amazonaws.com/xgboost",
                  "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost"),
    "ap-southeast-2": ("544295431143.dkr.ecr.ap-southeast-2.amazonaws.com/xgboost",
                       "783357654285.dkr.ecr.ap-southeast-2.amazonaws.com/sagemaker-xgboost"),
}


def xgboost_image(region: str, version: str = "latest") -> str:
    legacy, framework = XGBOOST_REPOSITORIES[region]
    return f"{legacy}:{version}" if version in ("latest", "1") else f"{framework}:{version}"
