#!/usr/bin/env bash
# Module 5, extra credit: train module2's model from a script, with the aws command-line client.
#
# In real pipelines scripts, not notebooks, launch training. This one starts the built-in XGBoost
# algorithm on module2's Videogame Sales data with `aws sagemaker create-training-job`, waits for
# the job to end, and prints its name for deploy.sh. The notebook module5_extra_credit.ipynb runs
# it with these variables set (its first cell prints them):
#   LEARNER      your learner id (it goes into the job's name)
#   REGION       the region of the course
#   ROLE_ARN     your SageMaker execution role
#   BUCKET       your course bucket, which holds module2's data under module2/
# Run by hand: LEARNER=alice REGION=us-east-1 ROLE_ARN=... BUCKET=... bash videogames.sh
set -euo pipefail

# Exercise 'values': fill in these four values. You may paste them, or use the variables the
# notebook sets ("$REGION", ...). The training image is the built-in XGBoost algorithm,
# version 1, of YOUR region: each region has its own registry account, listed in
# https://docs.aws.amazon.com/sagemaker/latest/dg-ecr-paths/sagemaker-algo-docker-registry-paths.html
# or printed in Python by sagemaker.image_uris.retrieve("xgboost", region, "1").
### BEGIN SOLUTION values: fill in region, arn_role, bucket and training_image (XGBoost 1 of your region)
#> region=            # e.g. us-east-1
#> arn_role=          # e.g. arn:aws:iam::123456789012:role/SageMakerExecutionRole
#> bucket=            # e.g. smworkshop-alice-123456789012
#> training_image=    # e.g. <account>.dkr.ecr.<region>.amazonaws.com/xgboost:1
region="$REGION"
arn_role="$ROLE_ARN"
bucket="$BUCKET"
case "$region" in
    us-east-1)      training_image=811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1 ;;
    us-west-2)      training_image=433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1 ;;
    us-east-2)      training_image=825641698319.dkr.ecr.us-east-2.amazonaws.com/xgboost:1 ;;
    eu-west-1)      training_image=685385470294.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1 ;;
    ap-southeast-2) training_image=544295431143.dkr.ecr.ap-southeast-2.amazonaws.com/xgboost:1 ;;
    *) echo "videogames.sh: no XGBoost image known for region $region" >&2; exit 2 ;;
esac
### END SOLUTION

for name in region arn_role bucket training_image; do
    if [ -z "${!name:-}" ]; then
        echo "videogames.sh: $name is empty: fill it in at the top of videogames.sh (exercise 'values')." >&2
        exit 2
    fi
done

learner="${LEARNER:-learner}"
data_prefix="${DATA_PREFIX:-module2}"   # where module2 uploaded the data
prefix="${PREFIX:-module5}"             # where this module writes the model
training_job_name="videogames-xgboost-${learner}-$(date '+%Y%m%d-%H%M%S')"

channel() {  # one libsvm channel read from s3://<bucket>/<data_prefix>/<name>
    printf '{"ChannelName": "%s", "ContentType": "libsvm", "CompressionType": "None", ' "$1"
    printf '"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3DataDistributionType": "FullyReplicated", '
    printf '"S3Uri": "s3://%s/%s/%s"}}}' "$bucket" "$data_prefix" "$1"
}

echo "Creating training job $training_job_name in $region with $training_image"
aws sagemaker create-training-job \
    --region "$region" \
    --role-arn "$arn_role" \
    --training-job-name "$training_job_name" \
    --algorithm-specification "TrainingImage=$training_image,TrainingInputMode=File" \
    --resource-config InstanceCount=1,InstanceType=ml.c4.2xlarge,VolumeSizeInGB=10 \
    --input-data-config "[$(channel train), $(channel validation)]" \
    --output-data-config "S3OutputPath=s3://$bucket/$prefix/output" \
    --hyper-parameters max_depth=3,eta=0.1,eval_metric=auc,scale_pos_weight=2.0,subsample=0.5,objective=binary:logistic,num_round=100 \
    --stopping-condition MaxRuntimeInSeconds=1800 \
    --output text --query TrainingJobArn

echo "Waiting for $training_job_name to end (a few minutes on AWS)"
aws sagemaker wait training-job-completed-or-stopped --region "$region" --training-job-name "$training_job_name" \
    || true  # a failed job ends the wait with an error: its reason is printed below
read -r status reason <<< "$(aws sagemaker describe-training-job --region "$region" \
    --training-job-name "$training_job_name" --query '[TrainingJobStatus, FailureReason]' --output text)"
if [ "$status" != Completed ]; then
    echo "videogames.sh: training job $training_job_name ended $status: $reason" >&2
    exit 1
fi
echo "Training job $training_job_name: $status"
echo "training_job_name=$training_job_name"
