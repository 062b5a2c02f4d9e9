"""Tags on crawler ARNs (arn:aws:glue:<region>:<account>:crawler/<name>): what
Terraform's aws_glue_crawler and CDK do — tag at creation, then read and change
the tags with GetTags/TagResource/UntagResource — through boto3 and the aws CLI,
with ListCrawlers' Tags filter seeing every change."""
import pytest
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def crawler_arn(account_id, name, account=None):
    return f"arn:aws:glue:us-east-1:{account or account_id}:crawler/{name}"


def test_tags_at_creation_then_by_arn(glue, new_crawler, account_id, tmp_path):
    name = new_crawler(tmp_path, Tags={"team": "data", "tier": "gold"})
    arn = crawler_arn(account_id, name)
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data", "tier": "gold"}
    assert name in glue.list_crawlers(Tags={"tier": "gold"})["CrawlerNames"]

    glue.tag_resource(ResourceArn=arn, TagsToAdd={"tier": "silver", "pii": "no"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data", "tier": "silver", "pii": "no"}
    assert name in glue.list_crawlers(Tags={"tier": "silver", "team": "data"})["CrawlerNames"]
    assert name not in glue.list_crawlers(Tags={"tier": "gold"})["CrawlerNames"]

    # Removing a key that is not there is fine.
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["team", "never-there"])
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"tier": "silver", "pii": "no"}
    assert name not in glue.list_crawlers(Tags={"team": "data"})["CrawlerNames"]

    # The crawler definition is untouched by tagging.
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["Version"] == 1 and crawler["State"] == "READY"


def test_untagged_crawler_has_empty_tags_and_cli_reads_them(glue, server, new_crawler, account_id,
                                                            tmp_path):
    name = new_crawler(tmp_path)
    arn = crawler_arn(account_id, name)
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {}
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"owner": "etl team"})
    out = run_aws(server, "glue", "get-tags", "--resource-arn", arn)
    assert out["Tags"] == {"owner": "etl team"}


def test_at_most_fifty_tags(glue, new_crawler, account_id, tmp_path):
    name = new_crawler(tmp_path, Tags={f"a{i}": "v" for i in range(30)})
    arn = crawler_arn(account_id, name)
    with pytest.raises(ClientError) as exc:
        glue.tag_resource(ResourceArn=arn, TagsToAdd={f"b{i}": "v" for i in range(21)})
    assert error_code(exc) == "ResourceNumberLimitExceededException"
    assert len(glue.get_tags(ResourceArn=arn)["Tags"]) == 30  # nothing of the refused call kept
    glue.tag_resource(ResourceArn=arn, TagsToAdd={f"b{i}": "v" for i in range(20)})
    assert len(glue.get_tags(ResourceArn=arn)["Tags"]) == 50


def test_unknown_crawler_is_entity_not_found(glue, account_id):
    arn = crawler_arn(account_id, unique("nocrawler"))
    for call in (lambda: glue.get_tags(ResourceArn=arn),
                 lambda: glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "b"}),
                 lambda: glue.untag_resource(ResourceArn=arn, TagsToRemove=["a"])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"


def test_deleted_crawler_takes_its_tags(glue, new_crawler, account_id, tmp_path):
    name = new_crawler(tmp_path, Tags={"k": "v"})
    glue.delete_crawler(Name=name)
    with pytest.raises(ClientError) as exc:
        glue.get_tags(ResourceArn=crawler_arn(account_id, name))
    assert error_code(exc) == "EntityNotFoundException"
    new_crawler(tmp_path, Name=name)
    assert glue.get_tags(ResourceArn=crawler_arn(account_id, name))["Tags"] == {}


def test_bad_arns(glue, new_crawler, account_id, tmp_path):
    name = new_crawler(tmp_path, Tags={"k": "v"})
    with pytest.raises(ClientError) as exc:
        glue.get_tags(ResourceArn=crawler_arn(account_id, name, account="999988887777"))
    assert error_code(exc) == "AccessDeniedException"
    for arn in (f"arn:aws:glue:us-east-1:{account_id}",                 # too few fields
                f"arn:aws:glue:us-east-1:{account_id}:crawler/",        # no name
                f"arn:aws:glue:us-east-1:{account_id}:crawlers/{name}"):  # unknown type
        with pytest.raises(ClientError) as exc:
            glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "b"})
        assert error_code(exc) == "InvalidInputException", arn
    assert glue.get_tags(ResourceArn=crawler_arn(account_id, name))["Tags"] == {"k": "v"}


def test_classifiers_are_not_taggable(glue, account_id):
    name = unique("cls")
    glue.create_classifier(CsvClassifier={"Name": name, "Delimiter": ","})
    try:
        with pytest.raises(ClientError) as exc:
            glue.tag_resource(ResourceArn=f"arn:aws:glue:us-east-1:{account_id}:classifier/{name}",
                              TagsToAdd={"a": "b"})
        assert error_code(exc) == "InvalidInputException"
        assert "Classifiers cannot be tagged" in exc.value.response["Error"]["Message"]
    finally:
        glue.delete_classifier(Name=name)
