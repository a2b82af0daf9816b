"""The catalogue over gRPC (in-process api, SQLite and PostgreSQL): courses with categories,
stages and prerequisites, versioned commission ratios, terms and classes, each scoped by its
campus's region and refused to non-managers."""
from __future__ import annotations

import uuid

import grpc
from contracts.enrollment import enrollment_pb2 as pb

from ..conftest import new_class, new_course  # noqa: TID252

NF, PD = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED


def test_course_with_stage_prerequisite_and_versioned_ratios(enrollment_api):
    api = enrollment_api
    stage1 = new_course(api, stage=1, commission_ratios=[
        pb.CommissionRatio(role="seller", ratio_bp=800)])
    assert (stage1.commission_version, stage1.active) == (1, True)
    assert [(r.role, r.ratio_bp) for r in stage1.commission_ratios] == [("seller", 800)]
    stage2 = new_course(api, stage=2, prerequisite_course_id=stage1.id)
    assert (stage2.prerequisite_course_id, stage2.commission_version) == (stage1.id, 0)
    # a later stage names its prerequisite; an unknown prerequisite is not found
    assert api.refused("CreateCourse", pb.CreateCourseRequest(course=pb.Course(
        name="x", category="new_training", stage=2, lesson_hours=1, price_fen=1)), "admin") \
        == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.prerequisite_course_id")
    assert api.refused("CreateCourse", pb.CreateCourseRequest(course=pb.Course(
        name="x", category="vip", lesson_hours=1, price_fen=1)), "admin") \
        == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.category")
    # a ratio change is a new version; the course shows the current one
    changed = api("SetCommissionRatios", pb.SetCommissionRatiosRequest(
        course_id=stage1.id, ratios=[pb.CommissionRatio(role="seller", ratio_bp=900),
                                     pb.CommissionRatio(role="channel",
                                                        channel_tier="city_partner",
                                                        ratio_bp=1500)]), "admin").course
    assert changed.commission_version == 2
    assert sorted((r.role, r.channel_tier, r.ratio_bp) for r in changed.commission_ratios) == [
        ("channel", "city_partner", 1500), ("seller", "", 900)]
    got = api("GetCourse", pb.GetCourseRequest(course_id=stage1.id), "sales-s").course
    assert got == changed


def test_catalogue_writes_keep_to_the_managers_scope(enrollment_api):
    api = enrollment_api
    north = new_course(api, as_="director-n", campus_id="c-north")
    assert north.campus_id == "c-north"
    assert api.refused("CreateCourse", pb.CreateCourseRequest(course=pb.Course(
        name="x", category="trial", lesson_hours=1, price_fen=0, campus_id="c-south")),
        "director-n") == (NF, "enrollment.campus_not_found")
    # company-wide courses are the all-scope staff's
    assert api.refused("CreateCourse", pb.CreateCourseRequest(course=pb.Course(
        name="x", category="trial", lesson_hours=1, price_fen=0)), "director-n") \
        == (PD, "enrollment.catalogue_scope")
    assert api.refused("CreateCourse", pb.CreateCourseRequest(course=pb.Course(
        name="x", category="trial", lesson_hours=1, price_fen=0, campus_id="c-north")),
        "sales-n1") == (PD, "enrollment.catalogue_managers_only")
    # the south director neither sees nor changes the north course
    assert api.refused("GetCourse", pb.GetCourseRequest(course_id=north.id), "director-s") \
        == (NF, "enrollment.course_not_found")
    update = pb.Course()
    update.CopyFrom(north)
    update.price_fen = 123
    assert api.refused("UpdateCourse", pb.UpdateCourseRequest(course=update), "director-s") \
        == (NF, "enrollment.course_not_found")
    assert api("UpdateCourse", pb.UpdateCourseRequest(course=update), "manager-n") \
        .course.price_fen == 123


def test_terms_and_classes_are_seen_within_the_campus_region(enrollment_api):
    api = enrollment_api
    course = new_course(api)
    klass = new_class(api, course.id, capacity=2, as_="director-n")
    assert (klass.campus_id, klass.capacity, klass.taken, klass.start_date) == \
        ("c-north", 2, 0, "2027-03-01")
    assert api("GetClass", pb.GetClassRequest(class_id=klass.id), "sales-n1").class_ == klass
    assert api.refused("GetClass", pb.GetClassRequest(class_id=klass.id), "sales-s") \
        == (NF, "enrollment.class_not_found")
    assert api.refused("GetTerm", pb.GetTermRequest(term_id=klass.term_id), "director-s") \
        == (NF, "enrollment.term_not_found")
    listed = api("ListClasses", pb.ListClassesRequest(term_id=klass.term_id), "sales-n1")
    assert [c.id for c in listed.classes] == [klass.id]
    assert api("ListClasses", pb.ListClassesRequest(term_id=klass.term_id), "sales-s") \
        .classes == []
    assert api.refused("CreateTerm", pb.CreateTermRequest(term=pb.Term(
        campus_id="c-north", name="t", start_date="2027-01-02", end_date="2027-01-01")),
        "admin") == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.end_date")
    assert api.refused("CreateClass", pb.CreateClassRequest(class_=pb.Class(
        term_id=klass.term_id, course_id=course.id, name="x", capacity=5)), "director-s") \
        == (NF, "enrollment.term_not_found")


def test_course_list_pages_and_filters_by_campus(enrollment_api):
    api = enrollment_api
    tag = uuid.uuid4().hex[:6]
    south = new_course(api, id=f"zz-{tag}-s", name=f"zz {tag} s", campus_id="c-south",
                       category="trial")
    wide = new_course(api, id=f"zz-{tag}-w", name=f"zz {tag} w", category="trial")
    seen, token = [], ""
    while True:
        page = api("ListCourses", pb.ListCoursesRequest(page_size=2, page_token=token,
                                                        category="trial"), "sales-n1")
        seen += [c.id for c in page.courses]
        token = page.next_page_token
        if not token:
            break
    assert wide.id in seen and south.id not in seen
    south_view = api("ListCourses", pb.ListCoursesRequest(page_size=500, category="trial"),
                     "sales-s")
    assert {south.id, wide.id} <= {c.id for c in south_view.courses}
