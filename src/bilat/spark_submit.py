"""The file to hand spark-submit: ``bilat spark-extract`` on a cluster.

    JOB=$(python -c 'import bilat.spark_submit as job; print(job.__file__)')
    spark-submit [spark options] "$JOB" --input s3a://bucket/docs/ --output s3a://bucket/bilat/

Its arguments are those of ``bilat spark-extract``; the master comes from spark-submit.
"""

from bilat.cli.archive_commands import spark_extract

if __name__ == "__main__":
    spark_extract(prog_name="bilat spark-extract")
