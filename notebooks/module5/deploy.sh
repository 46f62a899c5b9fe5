#!/usr/bin/env bash
# Module 5, extra credit: deploy the model a training job made, with the aws command-line client.
#
# Usage: bash deploy.sh TRAINING_JOB_NAME
# Creates, all named videogames-xgboost-<learner>: a model from the job's artefact and image, an
# endpoint configuration (one variant, 1 x ml.m4.xlarge, weight 1), and an endpoint; then waits
# until the endpoint is InService. The notebook runs it with LEARNER, REGION and ROLE_ARN set,
# as for videogames.sh.
set -euo pipefail

training_job_name="${1:?usage: bash deploy.sh TRAINING_JOB_NAME}"
region="${REGION:?REGION is not set: the region of the course}"
arn_role="${ROLE_ARN:?ROLE_ARN is not set: your SageMaker execution role}"
name="videogames-xgboost-${LEARNER:-learner}"   # the model, its endpoint configuration and endpoint

read -r model_data image <<< "$(aws sagemaker describe-training-job --region "$region" \
    --training-job-name "$training_job_name" \
    --query '[ModelArtifacts.S3ModelArtifacts, AlgorithmSpecification.TrainingImage]' --output text)"
echo "Deploying $model_data ($image) as $name"

# Exercise 'deploy': with `aws sagemaker ...`, create
#   1. a model named "$name" from the job's artefact "$model_data" and its image "$image",
#      run as "$arn_role" (create-model --primary-container Image=...,ModelDataUrl=...);
#   2. an endpoint configuration named "$name" with one production variant: variant name
#      AllTraffic, the model "$name", 1 x ml.m4.xlarge, initial weight 1 (create-endpoint-config);
#   3. an endpoint named "$name" with that configuration (create-endpoint).
# Pass --region "$region" to each.
### BEGIN SOLUTION deploy: create the model, the endpoint configuration and the endpoint, all named $name
aws sagemaker create-model --region "$region" --model-name "$name" --execution-role-arn "$arn_role" \
    --primary-container "Image=$image,ModelDataUrl=$model_data" --output text --query ModelArn
aws sagemaker create-endpoint-config --region "$region" --endpoint-config-name "$name" \
    --production-variants "VariantName=AllTraffic,ModelName=$name,InitialInstanceCount=1,InstanceType=ml.m4.xlarge,InitialVariantWeight=1" \
    --output text --query EndpointConfigArn
aws sagemaker create-endpoint --region "$region" --endpoint-name "$name" --endpoint-config-name "$name" \
    --output text --query EndpointArn
### END SOLUTION

echo "Waiting for the endpoint $name to be InService (several minutes on AWS)"
aws sagemaker wait endpoint-in-service --region "$region" --endpoint-name "$name" || true
read -r status reason <<< "$(aws sagemaker describe-endpoint --region "$region" --endpoint-name "$name" \
    --query '[EndpointStatus, FailureReason]' --output text)"
if [ "$status" != InService ]; then
    echo "deploy.sh: the endpoint $name is $status: $reason" >&2
    exit 1
fi
echo "endpoint_name=$name"
