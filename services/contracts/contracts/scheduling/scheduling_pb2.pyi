import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SolveJobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOLVE_JOB_STATUS_UNSPECIFIED: _ClassVar[SolveJobStatus]
    SOLVE_JOB_STATUS_QUEUED: _ClassVar[SolveJobStatus]
    SOLVE_JOB_STATUS_RUNNING: _ClassVar[SolveJobStatus]
    SOLVE_JOB_STATUS_DONE: _ClassVar[SolveJobStatus]
    SOLVE_JOB_STATUS_FAILED: _ClassVar[SolveJobStatus]

class TimetableStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIMETABLE_STATUS_UNSPECIFIED: _ClassVar[TimetableStatus]
    TIMETABLE_STATUS_DRAFT: _ClassVar[TimetableStatus]
    TIMETABLE_STATUS_PUBLISHED: _ClassVar[TimetableStatus]
    TIMETABLE_STATUS_SUPERSEDED: _ClassVar[TimetableStatus]

class TimetableView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIMETABLE_VIEW_UNSPECIFIED: _ClassVar[TimetableView]
    TIMETABLE_VIEW_CAMPUS: _ClassVar[TimetableView]
    TIMETABLE_VIEW_SECTION: _ClassVar[TimetableView]
    TIMETABLE_VIEW_TEACHER: _ClassVar[TimetableView]
    TIMETABLE_VIEW_ROOM: _ClassVar[TimetableView]
    TIMETABLE_VIEW_STUDENT: _ClassVar[TimetableView]

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_XLSX: _ClassVar[ExportFormat]
    EXPORT_FORMAT_ICS: _ClassVar[ExportFormat]

class TeacherAttendanceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEACHER_ATTENDANCE_STATUS_UNSPECIFIED: _ClassVar[TeacherAttendanceStatus]
    TEACHER_ATTENDANCE_STATUS_SIGNED_IN: _ClassVar[TeacherAttendanceStatus]
    TEACHER_ATTENDANCE_STATUS_ABSENT: _ClassVar[TeacherAttendanceStatus]
    TEACHER_ATTENDANCE_STATUS_SUBSTITUTE: _ClassVar[TeacherAttendanceStatus]
SOLVE_JOB_STATUS_UNSPECIFIED: SolveJobStatus
SOLVE_JOB_STATUS_QUEUED: SolveJobStatus
SOLVE_JOB_STATUS_RUNNING: SolveJobStatus
SOLVE_JOB_STATUS_DONE: SolveJobStatus
SOLVE_JOB_STATUS_FAILED: SolveJobStatus
TIMETABLE_STATUS_UNSPECIFIED: TimetableStatus
TIMETABLE_STATUS_DRAFT: TimetableStatus
TIMETABLE_STATUS_PUBLISHED: TimetableStatus
TIMETABLE_STATUS_SUPERSEDED: TimetableStatus
TIMETABLE_VIEW_UNSPECIFIED: TimetableView
TIMETABLE_VIEW_CAMPUS: TimetableView
TIMETABLE_VIEW_SECTION: TimetableView
TIMETABLE_VIEW_TEACHER: TimetableView
TIMETABLE_VIEW_ROOM: TimetableView
TIMETABLE_VIEW_STUDENT: TimetableView
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_XLSX: ExportFormat
EXPORT_FORMAT_ICS: ExportFormat
TEACHER_ATTENDANCE_STATUS_UNSPECIFIED: TeacherAttendanceStatus
TEACHER_ATTENDANCE_STATUS_SIGNED_IN: TeacherAttendanceStatus
TEACHER_ATTENDANCE_STATUS_ABSENT: TeacherAttendanceStatus
TEACHER_ATTENDANCE_STATUS_SUBSTITUTE: TeacherAttendanceStatus

class SlotRef(_message.Message):
    __slots__ = ("day", "period")
    DAY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    day: int
    period: int
    def __init__(self, day: _Optional[int] = ..., period: _Optional[int] = ...) -> None: ...

class Campus(_message.Message):
    __slots__ = ("id", "name", "time_zone")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    time_zone: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class Timeslot(_message.Message):
    __slots__ = ("day", "period", "start_time", "end_time")
    DAY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    day: int
    period: int
    start_time: str
    end_time: str
    def __init__(self, day: _Optional[int] = ..., period: _Optional[int] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ...) -> None: ...

class Room(_message.Message):
    __slots__ = ("id", "campus_id", "name", "capacity", "features", "unavailable", "active")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    name: str
    capacity: int
    features: _containers.RepeatedScalarFieldContainer[str]
    unavailable: _containers.RepeatedCompositeFieldContainer[SlotRef]
    active: bool
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., name: _Optional[str] = ..., capacity: _Optional[int] = ..., features: _Optional[_Iterable[str]] = ..., unavailable: _Optional[_Iterable[_Union[SlotRef, _Mapping]]] = ..., active: _Optional[bool] = ...) -> None: ...

class Teacher(_message.Message):
    __slots__ = ("id", "campus_id", "name", "course_ids", "unavailable", "active")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    name: str
    course_ids: _containers.RepeatedScalarFieldContainer[str]
    unavailable: _containers.RepeatedCompositeFieldContainer[SlotRef]
    active: bool
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., name: _Optional[str] = ..., course_ids: _Optional[_Iterable[str]] = ..., unavailable: _Optional[_Iterable[_Union[SlotRef, _Mapping]]] = ..., active: _Optional[bool] = ...) -> None: ...

class Term(_message.Message):
    __slots__ = ("id", "campus_id", "name", "start_date", "end_date")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    name: str
    start_date: str
    end_date: str
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., name: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class Course(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ClassSection(_message.Message):
    __slots__ = ("id", "campus_id", "term_id", "course_id", "name", "teacher_id", "teacher_candidate_ids", "lessons_per_week", "min_working_days", "capacity", "student_groups", "required_room_features", "placed_students")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_CANDIDATE_IDS_FIELD_NUMBER: _ClassVar[int]
    LESSONS_PER_WEEK_FIELD_NUMBER: _ClassVar[int]
    MIN_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    STUDENT_GROUPS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ROOM_FEATURES_FIELD_NUMBER: _ClassVar[int]
    PLACED_STUDENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    term_id: str
    course_id: str
    name: str
    teacher_id: str
    teacher_candidate_ids: _containers.RepeatedScalarFieldContainer[str]
    lessons_per_week: int
    min_working_days: int
    capacity: int
    student_groups: _containers.RepeatedScalarFieldContainer[str]
    required_room_features: _containers.RepeatedScalarFieldContainer[str]
    placed_students: int
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., course_id: _Optional[str] = ..., name: _Optional[str] = ..., teacher_id: _Optional[str] = ..., teacher_candidate_ids: _Optional[_Iterable[str]] = ..., lessons_per_week: _Optional[int] = ..., min_working_days: _Optional[int] = ..., capacity: _Optional[int] = ..., student_groups: _Optional[_Iterable[str]] = ..., required_room_features: _Optional[_Iterable[str]] = ..., placed_students: _Optional[int] = ...) -> None: ...

class SolveJob(_message.Message):
    __slots__ = ("id", "campus_id", "term_id", "status", "progress_percent", "best_hard_violations", "best_soft_cost", "timetable_id", "error", "created_at", "finished_at", "feasible")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    BEST_HARD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    BEST_SOFT_COST_FIELD_NUMBER: _ClassVar[int]
    TIMETABLE_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    FEASIBLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    term_id: str
    status: SolveJobStatus
    progress_percent: int
    best_hard_violations: int
    best_soft_cost: int
    timetable_id: str
    error: str
    created_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    feasible: bool
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., status: _Optional[_Union[SolveJobStatus, str]] = ..., progress_percent: _Optional[int] = ..., best_hard_violations: _Optional[int] = ..., best_soft_cost: _Optional[int] = ..., timetable_id: _Optional[str] = ..., error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., feasible: _Optional[bool] = ...) -> None: ...

class Lecture(_message.Message):
    __slots__ = ("section_id", "lecture_number", "day", "period", "room_id", "teacher_id", "section_name", "course_name", "room_name", "teacher_name", "start_time", "end_time")
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_NAME_FIELD_NUMBER: _ClassVar[int]
    ROOM_NAME_FIELD_NUMBER: _ClassVar[int]
    TEACHER_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    section_id: str
    lecture_number: int
    day: int
    period: int
    room_id: str
    teacher_id: str
    section_name: str
    course_name: str
    room_name: str
    teacher_name: str
    start_time: str
    end_time: str
    def __init__(self, section_id: _Optional[str] = ..., lecture_number: _Optional[int] = ..., day: _Optional[int] = ..., period: _Optional[int] = ..., room_id: _Optional[str] = ..., teacher_id: _Optional[str] = ..., section_name: _Optional[str] = ..., course_name: _Optional[str] = ..., room_name: _Optional[str] = ..., teacher_name: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ...) -> None: ...

class Timetable(_message.Message):
    __slots__ = ("id", "campus_id", "term_id", "version", "status", "lectures", "hard_violations", "soft_cost", "published_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LECTURES_FIELD_NUMBER: _ClassVar[int]
    HARD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    SOFT_COST_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    term_id: str
    version: int
    status: TimetableStatus
    lectures: _containers.RepeatedCompositeFieldContainer[Lecture]
    hard_violations: int
    soft_cost: int
    published_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., version: _Optional[int] = ..., status: _Optional[_Union[TimetableStatus, str]] = ..., lectures: _Optional[_Iterable[_Union[Lecture, _Mapping]]] = ..., hard_violations: _Optional[int] = ..., soft_cost: _Optional[int] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Session(_message.Message):
    __slots__ = ("id", "section_id", "lecture_number", "date", "day", "period", "starts_at", "ends_at", "room_id", "teacher_id", "substitute_teacher_id", "status", "attendance")
    ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTE_TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    section_id: str
    lecture_number: int
    date: str
    day: int
    period: int
    starts_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    room_id: str
    teacher_id: str
    substitute_teacher_id: str
    status: str
    attendance: str
    def __init__(self, id: _Optional[str] = ..., section_id: _Optional[str] = ..., lecture_number: _Optional[int] = ..., date: _Optional[str] = ..., day: _Optional[int] = ..., period: _Optional[int] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., room_id: _Optional[str] = ..., teacher_id: _Optional[str] = ..., substitute_teacher_id: _Optional[str] = ..., status: _Optional[str] = ..., attendance: _Optional[str] = ...) -> None: ...

class UpsertCampusRequest(_message.Message):
    __slots__ = ("campus",)
    CAMPUS_FIELD_NUMBER: _ClassVar[int]
    campus: Campus
    def __init__(self, campus: _Optional[_Union[Campus, _Mapping]] = ...) -> None: ...

class UpsertCampusResponse(_message.Message):
    __slots__ = ("campus",)
    CAMPUS_FIELD_NUMBER: _ClassVar[int]
    campus: Campus
    def __init__(self, campus: _Optional[_Union[Campus, _Mapping]] = ...) -> None: ...

class SetTimeslotsRequest(_message.Message):
    __slots__ = ("campus_id", "timeslots")
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESLOTS_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    timeslots: _containers.RepeatedCompositeFieldContainer[Timeslot]
    def __init__(self, campus_id: _Optional[str] = ..., timeslots: _Optional[_Iterable[_Union[Timeslot, _Mapping]]] = ...) -> None: ...

class SetTimeslotsResponse(_message.Message):
    __slots__ = ("timeslots",)
    TIMESLOTS_FIELD_NUMBER: _ClassVar[int]
    timeslots: _containers.RepeatedCompositeFieldContainer[Timeslot]
    def __init__(self, timeslots: _Optional[_Iterable[_Union[Timeslot, _Mapping]]] = ...) -> None: ...

class ListTimeslotsRequest(_message.Message):
    __slots__ = ("campus_id",)
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    def __init__(self, campus_id: _Optional[str] = ...) -> None: ...

class ListTimeslotsResponse(_message.Message):
    __slots__ = ("timeslots",)
    TIMESLOTS_FIELD_NUMBER: _ClassVar[int]
    timeslots: _containers.RepeatedCompositeFieldContainer[Timeslot]
    def __init__(self, timeslots: _Optional[_Iterable[_Union[Timeslot, _Mapping]]] = ...) -> None: ...

class CreateRoomRequest(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class CreateRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class ListRoomsRequest(_message.Message):
    __slots__ = ("campus_id",)
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    def __init__(self, campus_id: _Optional[str] = ...) -> None: ...

class ListRoomsResponse(_message.Message):
    __slots__ = ("rooms",)
    ROOMS_FIELD_NUMBER: _ClassVar[int]
    rooms: _containers.RepeatedCompositeFieldContainer[Room]
    def __init__(self, rooms: _Optional[_Iterable[_Union[Room, _Mapping]]] = ...) -> None: ...

class UpdateRoomRequest(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class UpdateRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class CreateTeacherRequest(_message.Message):
    __slots__ = ("teacher",)
    TEACHER_FIELD_NUMBER: _ClassVar[int]
    teacher: Teacher
    def __init__(self, teacher: _Optional[_Union[Teacher, _Mapping]] = ...) -> None: ...

class CreateTeacherResponse(_message.Message):
    __slots__ = ("teacher",)
    TEACHER_FIELD_NUMBER: _ClassVar[int]
    teacher: Teacher
    def __init__(self, teacher: _Optional[_Union[Teacher, _Mapping]] = ...) -> None: ...

class ListTeachersRequest(_message.Message):
    __slots__ = ("campus_id",)
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    def __init__(self, campus_id: _Optional[str] = ...) -> None: ...

class ListTeachersResponse(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[Teacher]
    def __init__(self, teachers: _Optional[_Iterable[_Union[Teacher, _Mapping]]] = ...) -> None: ...

class UpdateTeacherRequest(_message.Message):
    __slots__ = ("teacher",)
    TEACHER_FIELD_NUMBER: _ClassVar[int]
    teacher: Teacher
    def __init__(self, teacher: _Optional[_Union[Teacher, _Mapping]] = ...) -> None: ...

class UpdateTeacherResponse(_message.Message):
    __slots__ = ("teacher",)
    TEACHER_FIELD_NUMBER: _ClassVar[int]
    teacher: Teacher
    def __init__(self, teacher: _Optional[_Union[Teacher, _Mapping]] = ...) -> None: ...

class CreateTermRequest(_message.Message):
    __slots__ = ("term",)
    TERM_FIELD_NUMBER: _ClassVar[int]
    term: Term
    def __init__(self, term: _Optional[_Union[Term, _Mapping]] = ...) -> None: ...

class CreateTermResponse(_message.Message):
    __slots__ = ("term",)
    TERM_FIELD_NUMBER: _ClassVar[int]
    term: Term
    def __init__(self, term: _Optional[_Union[Term, _Mapping]] = ...) -> None: ...

class ListTermsRequest(_message.Message):
    __slots__ = ("campus_id",)
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    def __init__(self, campus_id: _Optional[str] = ...) -> None: ...

class ListTermsResponse(_message.Message):
    __slots__ = ("terms",)
    TERMS_FIELD_NUMBER: _ClassVar[int]
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    def __init__(self, terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ...) -> None: ...

class UpsertCourseRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class UpsertCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class CreateClassSectionRequest(_message.Message):
    __slots__ = ("section",)
    SECTION_FIELD_NUMBER: _ClassVar[int]
    section: ClassSection
    def __init__(self, section: _Optional[_Union[ClassSection, _Mapping]] = ...) -> None: ...

class CreateClassSectionResponse(_message.Message):
    __slots__ = ("section",)
    SECTION_FIELD_NUMBER: _ClassVar[int]
    section: ClassSection
    def __init__(self, section: _Optional[_Union[ClassSection, _Mapping]] = ...) -> None: ...

class ListClassSectionsRequest(_message.Message):
    __slots__ = ("campus_id", "term_id", "course_id")
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    term_id: str
    course_id: str
    def __init__(self, campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., course_id: _Optional[str] = ...) -> None: ...

class ListClassSectionsResponse(_message.Message):
    __slots__ = ("sections",)
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    sections: _containers.RepeatedCompositeFieldContainer[ClassSection]
    def __init__(self, sections: _Optional[_Iterable[_Union[ClassSection, _Mapping]]] = ...) -> None: ...

class UpdateClassSectionRequest(_message.Message):
    __slots__ = ("section",)
    SECTION_FIELD_NUMBER: _ClassVar[int]
    section: ClassSection
    def __init__(self, section: _Optional[_Union[ClassSection, _Mapping]] = ...) -> None: ...

class UpdateClassSectionResponse(_message.Message):
    __slots__ = ("section",)
    SECTION_FIELD_NUMBER: _ClassVar[int]
    section: ClassSection
    def __init__(self, section: _Optional[_Union[ClassSection, _Mapping]] = ...) -> None: ...

class SolveTimetableRequest(_message.Message):
    __slots__ = ("campus_id", "term_id", "time_limit_seconds", "seed")
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    term_id: str
    time_limit_seconds: int
    seed: int
    def __init__(self, campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., time_limit_seconds: _Optional[int] = ..., seed: _Optional[int] = ...) -> None: ...

class SolveTimetableResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: SolveJob
    def __init__(self, job: _Optional[_Union[SolveJob, _Mapping]] = ...) -> None: ...

class GetSolveJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetSolveJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: SolveJob
    def __init__(self, job: _Optional[_Union[SolveJob, _Mapping]] = ...) -> None: ...

class PublishTimetableRequest(_message.Message):
    __slots__ = ("timetable_id", "idempotency_key")
    TIMETABLE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    timetable_id: str
    idempotency_key: str
    def __init__(self, timetable_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class PublishTimetableResponse(_message.Message):
    __slots__ = ("timetable", "sessions_scheduled")
    TIMETABLE_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_SCHEDULED_FIELD_NUMBER: _ClassVar[int]
    timetable: Timetable
    sessions_scheduled: int
    def __init__(self, timetable: _Optional[_Union[Timetable, _Mapping]] = ..., sessions_scheduled: _Optional[int] = ...) -> None: ...

class MarkUnavailableRequest(_message.Message):
    __slots__ = ("campus_id", "term_id", "teacher_id", "room_id", "slots", "reason", "dry_run", "time_limit_seconds", "idempotency_key")
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    term_id: str
    teacher_id: str
    room_id: str
    slots: _containers.RepeatedCompositeFieldContainer[SlotRef]
    reason: str
    dry_run: bool
    time_limit_seconds: int
    idempotency_key: str
    def __init__(self, campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., teacher_id: _Optional[str] = ..., room_id: _Optional[str] = ..., slots: _Optional[_Iterable[_Union[SlotRef, _Mapping]]] = ..., reason: _Optional[str] = ..., dry_run: _Optional[bool] = ..., time_limit_seconds: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class LectureMove(_message.Message):
    __slots__ = ("before", "after")
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    before: Lecture
    after: Lecture
    def __init__(self, before: _Optional[_Union[Lecture, _Mapping]] = ..., after: _Optional[_Union[Lecture, _Mapping]] = ...) -> None: ...

class MarkUnavailableResponse(_message.Message):
    __slots__ = ("moves", "timetable", "sessions_changed")
    MOVES_FIELD_NUMBER: _ClassVar[int]
    TIMETABLE_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    moves: _containers.RepeatedCompositeFieldContainer[LectureMove]
    timetable: Timetable
    sessions_changed: int
    def __init__(self, moves: _Optional[_Iterable[_Union[LectureMove, _Mapping]]] = ..., timetable: _Optional[_Union[Timetable, _Mapping]] = ..., sessions_changed: _Optional[int] = ...) -> None: ...

class PlaceStudentRequest(_message.Message):
    __slots__ = ("student_id", "course_id", "term_id", "campus_id", "enrollment_id", "dry_run")
    STUDENT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    student_id: str
    course_id: str
    term_id: str
    campus_id: str
    enrollment_id: str
    dry_run: bool
    def __init__(self, student_id: _Optional[str] = ..., course_id: _Optional[str] = ..., term_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., enrollment_id: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class PlacementRejection(_message.Message):
    __slots__ = ("section_id", "reason", "message", "message_zh")
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ZH_FIELD_NUMBER: _ClassVar[int]
    section_id: str
    reason: str
    message: str
    message_zh: str
    def __init__(self, section_id: _Optional[str] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., message_zh: _Optional[str] = ...) -> None: ...

class PlaceStudentResponse(_message.Message):
    __slots__ = ("placed", "section_id", "rejections")
    PLACED_FIELD_NUMBER: _ClassVar[int]
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    placed: bool
    section_id: str
    rejections: _containers.RepeatedCompositeFieldContainer[PlacementRejection]
    def __init__(self, placed: _Optional[bool] = ..., section_id: _Optional[str] = ..., rejections: _Optional[_Iterable[_Union[PlacementRejection, _Mapping]]] = ...) -> None: ...

class CheckConflictsRequest(_message.Message):
    __slots__ = ("timetable_id", "section_id", "lecture_number", "slot", "room_id", "teacher_id")
    TIMETABLE_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    timetable_id: str
    section_id: str
    lecture_number: int
    slot: SlotRef
    room_id: str
    teacher_id: str
    def __init__(self, timetable_id: _Optional[str] = ..., section_id: _Optional[str] = ..., lecture_number: _Optional[int] = ..., slot: _Optional[_Union[SlotRef, _Mapping]] = ..., room_id: _Optional[str] = ..., teacher_id: _Optional[str] = ...) -> None: ...

class Conflict(_message.Message):
    __slots__ = ("kind", "message", "message_zh", "other_section_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ZH_FIELD_NUMBER: _ClassVar[int]
    OTHER_SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    kind: str
    message: str
    message_zh: str
    other_section_id: str
    def __init__(self, kind: _Optional[str] = ..., message: _Optional[str] = ..., message_zh: _Optional[str] = ..., other_section_id: _Optional[str] = ...) -> None: ...

class CheckConflictsResponse(_message.Message):
    __slots__ = ("conflicts",)
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    conflicts: _containers.RepeatedCompositeFieldContainer[Conflict]
    def __init__(self, conflicts: _Optional[_Iterable[_Union[Conflict, _Mapping]]] = ...) -> None: ...

class GetTimetableRequest(_message.Message):
    __slots__ = ("campus_id", "term_id", "view", "subject_id", "timetable_id", "include_sessions")
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TIMETABLE_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    campus_id: str
    term_id: str
    view: TimetableView
    subject_id: str
    timetable_id: str
    include_sessions: bool
    def __init__(self, campus_id: _Optional[str] = ..., term_id: _Optional[str] = ..., view: _Optional[_Union[TimetableView, str]] = ..., subject_id: _Optional[str] = ..., timetable_id: _Optional[str] = ..., include_sessions: _Optional[bool] = ...) -> None: ...

class GetTimetableResponse(_message.Message):
    __slots__ = ("timetable", "timeslots", "sessions")
    TIMETABLE_FIELD_NUMBER: _ClassVar[int]
    TIMESLOTS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    timetable: Timetable
    timeslots: _containers.RepeatedCompositeFieldContainer[Timeslot]
    sessions: _containers.RepeatedCompositeFieldContainer[Session]
    def __init__(self, timetable: _Optional[_Union[Timetable, _Mapping]] = ..., timeslots: _Optional[_Iterable[_Union[Timeslot, _Mapping]]] = ..., sessions: _Optional[_Iterable[_Union[Session, _Mapping]]] = ...) -> None: ...

class ExportTimetableRequest(_message.Message):
    __slots__ = ("query", "format")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    query: GetTimetableRequest
    format: ExportFormat
    def __init__(self, query: _Optional[_Union[GetTimetableRequest, _Mapping]] = ..., format: _Optional[_Union[ExportFormat, str]] = ...) -> None: ...

class ExportTimetableResponse(_message.Message):
    __slots__ = ("content", "content_type", "file_name")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    content_type: str
    file_name: str
    def __init__(self, content: _Optional[bytes] = ..., content_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class RecordTeacherAttendanceRequest(_message.Message):
    __slots__ = ("session_id", "status", "substitute_teacher_id", "note")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTE_TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    status: TeacherAttendanceStatus
    substitute_teacher_id: str
    note: str
    def __init__(self, session_id: _Optional[str] = ..., status: _Optional[_Union[TeacherAttendanceStatus, str]] = ..., substitute_teacher_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class RecordTeacherAttendanceResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...
