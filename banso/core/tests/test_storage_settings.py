"""Where files live: hashed, compressed static files for browsers to keep; uploads on shared S3-compatible storage
when the installation names a bucket (several machines), on this machine's disk otherwise."""

import json
import os
import subprocess
import sys


def storages(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BANSO_")}
    environment.update({"DJANGO_SETTINGS_MODULE": "banso.settings", "BANSO_DATA_DIR": str(tmp_path), **env})
    code = "import django; django.setup(); from django.conf import settings; import json; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(  # noqa: S603 (this interpreter, the test's own code)
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_static_files_are_hashed_and_compressed_and_uploads_stay_on_disk_by_default(tmp_path):
    found = storages(tmp_path)
    assert found["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_puts_uploads_on_s3_compatible_storage_with_signed_links(tmp_path):
    found = storages(
        tmp_path,
        BANSO_MEDIA_S3_BUCKET="banso-hokkaido",
        BANSO_MEDIA_S3_ENDPOINT="https://s3.example.lg.jp",
    )
    assert found["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = found["default"]["OPTIONS"]
    assert options["bucket_name"] == "banso-hokkaido" and options["endpoint_url"] == "https://s3.example.lg.jp"
    assert options["querystring_auth"] is True and options["default_acl"] is None
