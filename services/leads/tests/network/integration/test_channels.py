"""Channels through the real api on SQLite and PostgreSQL: the tree with tiers, no cycles,
region scope, visits, the customers a channel brought, and the events finance will read."""
from __future__ import annotations

import grpc
import pytest
from contracts.leads import network_pb2 as pb
from kit import grpc_errors

from ...support import NORTH, SOUTH, as_, error_of
from ..support import running_network


@pytest.fixture(scope="module")
def stubs(database_url):
    with running_network(database_url) as running:
        yield running


def _create(stubs, who: str, name: str, tier: str, parent_id: str = "", **fields) -> pb.Channel:
    return stubs.channels.CreateChannel(pb.CreateChannelRequest(channel=pb.ChannelFields(
        name=name, tier=tier, parent_id=parent_id, **fields)), metadata=as_(who)).channel


def _reason(error) -> tuple:
    info = grpc_errors.error_info(error)
    return info.code, info.reason


def test_builtin_tiers_and_an_admin_defined_one(stubs):
    codes = [t.code for t in stubs.channels.ListChannelTiers(
        pb.ListChannelTiersRequest(), metadata=as_("sales1")).tiers]
    assert codes[:8] == ["hq", "provincial_partner", "city_partner", "individual_partner",
                         "institution_partner", "branch_channel", "agency_channel",
                         "shareholder"]
    added = stubs.channels.CreateChannelTier(pb.CreateChannelTierRequest(
        code="alumni_partner", name="校友合伙人", position=50), metadata=as_("admin")).tier
    assert (added.code, added.builtin) == ("alumni_partner", False)
    assert _reason(error_of(lambda: stubs.channels.CreateChannelTier(pb.CreateChannelTierRequest(
        code="other_partner", name="x"), metadata=as_("director1")))) == (
        grpc.StatusCode.PERMISSION_DENIED, "network.write_denied")
    assert _reason(error_of(lambda: stubs.channels.CreateChannelTier(pb.CreateChannelTierRequest(
        code="hq", name="x"), metadata=as_("admin")))) == (
        grpc.StatusCode.ALREADY_EXISTS, "channel_tier.exists")
    # the new tier is usable at once
    ch = _create(stubs, "director1", "校友会", "alumni_partner")
    assert (ch.tier, ch.region_id) == ("alumni_partner", NORTH)


def test_tree_with_tiers_and_no_cycles(stubs):
    province = _create(stubs, "director1", "河北省级合伙人", "provincial_partner",
                       contact_name="赵总", contact_phone="139 1000 0001")
    city = _create(stubs, "director1", "石家庄城市合伙人", "city_partner", province.id)
    person = _create(stubs, "director1", "个人合伙人甲", "individual_partner", city.id)
    assert province.contact_phone == "+8613910000001"
    # a parent cannot go below its own descendants
    for parent in (person.id, city.id, province.id):
        error = error_of(lambda p=parent: stubs.channels.UpdateChannel(pb.UpdateChannelRequest(
            channel_id=province.id, channel=pb.ChannelFields(parent_id=p),
            update_fields=["parent_id"]), metadata=as_("director1")))
        assert _reason(error) == (grpc.StatusCode.INVALID_ARGUMENT, "invalid.parent_id")
    tree = stubs.channels.GetChannelTree(pb.GetChannelTreeRequest(root_id=province.id),
                                         metadata=as_("director1"))
    assert [(n.channel.id, n.depth) for n in tree.nodes] == [
        (province.id, 0), (city.id, 1), (person.id, 2)]
    # moving the person directly under the province keeps the tree a tree
    moved = stubs.channels.UpdateChannel(pb.UpdateChannelRequest(
        channel_id=person.id, channel=pb.ChannelFields(parent_id=province.id),
        update_fields=["parent_id"]), metadata=as_("director1")).channel
    assert (moved.parent_id, moved.version) == (province.id, 2)
    tree = stubs.channels.GetChannelTree(pb.GetChannelTreeRequest(root_id=province.id),
                                         metadata=as_("director1"))
    assert sorted((n.channel.name, n.depth) for n in tree.nodes) == [
        ("个人合伙人甲", 1), ("河北省级合伙人", 0), ("石家庄城市合伙人", 1)]
    by_tier = stubs.channels.ListChannels(pb.ListChannelsRequest(tier="city_partner"),
                                          metadata=as_("director1")).channels
    assert [c.id for c in by_tier] == [city.id]


def test_region_scope_and_masked_contact(stubs):
    south = _create(stubs, "director2", "广东省级合伙人", "provincial_partner",
                    contact_phone="13910000002")
    assert south.region_id == SOUTH
    # director1 (North) neither reads it nor lists it nor parents under it
    assert error_of(lambda: stubs.channels.GetChannel(pb.GetChannelRequest(
        channel_id=south.id), metadata=as_("director1"))).code() == grpc.StatusCode.NOT_FOUND
    listed = stubs.channels.ListChannels(pb.ListChannelsRequest(page_size=200),
                                         metadata=as_("director1")).channels
    assert south.id not in [c.id for c in listed]
    assert {c.region_id for c in listed} == {NORTH}
    error = error_of(lambda: _create(stubs, "director1", "越界", "city_partner", south.id))
    assert _reason(error) == (grpc.StatusCode.NOT_FOUND, "channel.not_found")
    # placing a channel in another region is refused
    error = error_of(lambda: _create(stubs, "director1", "越界", "city_partner",
                                     region_id=SOUTH))
    assert _reason(error) == (grpc.StatusCode.PERMISSION_DENIED, "network.out_of_scope")
    # sales may not manage channels
    error = error_of(lambda: _create(stubs, "sales1", "自建", "city_partner"))
    assert _reason(error) == (grpc.StatusCode.PERMISSION_DENIED, "network.write_denied")
    # the contact phone is masked for a reader who is neither its manager nor unmasked
    seen = stubs.channels.GetChannel(pb.GetChannelRequest(channel_id=south.id),
                                     metadata=as_("admin")).channel
    assert seen.contact_phone == "+8613910000002" and not seen.personal_data_masked
    other = _create(stubs, "admin", "总部直营", "hq", region_id=SOUTH, owner_id="someone")
    seen = stubs.channels.GetChannel(pb.GetChannelRequest(channel_id=other.id),
                                     metadata=as_("director2")).channel
    assert seen.owner_id == "someone"
    masked = _create(stubs, "admin", "代理甲", "agency_channel", region_id=SOUTH,
                     owner_id="someone", contact_phone="13910000003")
    seen = stubs.channels.GetChannel(pb.GetChannelRequest(channel_id=masked.id),
                                     metadata=as_("director2")).channel
    assert (seen.contact_phone, seen.personal_data_masked) == ("139****0003", True)


def test_visits_customers_count_and_events(stubs):
    ch = _create(stubs, "manager1", "朝阳机构合伙人", "institution_partner")
    for n in (1, 2):
        stubs.customer(9100 + n, source_channel_id=ch.id)
    got = stubs.channels.GetChannel(pb.GetChannelRequest(channel_id=ch.id),
                                    metadata=as_("manager1")).channel
    assert got.customers_count == 2
    # a seller of the channel's region visits it (channels are scoped by region)
    visit = stubs.channels.RecordChannelVisit(pb.RecordChannelVisitRequest(
        channel_id=ch.id, notes="季度拜访\n谈续约"), metadata=as_("sales1")).visit
    assert (visit.visitor_id, visit.notes) == ("sales1", "季度拜访\n谈续约")
    # another region's seller neither records nor reads its visits
    for who in ("sales3", "director2"):
        assert error_of(lambda w=who: stubs.channels.RecordChannelVisit(
            pb.RecordChannelVisitRequest(channel_id=ch.id, notes="x"), metadata=as_(w))
        ).code() == grpc.StatusCode.NOT_FOUND
        assert error_of(lambda w=who: stubs.channels.ListChannelVisits(
            pb.ListChannelVisitsRequest(channel_id=ch.id), metadata=as_(w))
        ).code() == grpc.StatusCode.NOT_FOUND
    visits = stubs.channels.ListChannelVisits(pb.ListChannelVisitsRequest(channel_id=ch.id),
                                              metadata=as_("manager1")).visits
    assert [v.id for v in visits] == [visit.id]
    stubs.channels.UpdateChannel(pb.UpdateChannelRequest(
        channel_id=ch.id, channel=pb.ChannelFields(tier="agency_channel", active=False),
        update_fields=["tier", "active"]), metadata=as_("manager1"))
    [created] = stubs.events("crm.leads.channel.created.v1", ch.id)
    [updated] = stubs.events("crm.leads.channel.updated.v1", ch.id)
    assert (created["tier"], created["active"]) == ("institution_partner", True)
    assert (updated["tier"], updated["active"], updated["changed_fields"]) == (
        "agency_channel", False, ["tier", "active"])
    assert "contact_phone" not in updated


def test_idempotent_create(stubs):
    request = pb.CreateChannelRequest(channel=pb.ChannelFields(name="重试渠道", tier="hq"),
                                      idempotency_key="ch-retry-1")
    first = stubs.channels.CreateChannel(request, metadata=as_("admin")).channel
    again = stubs.channels.CreateChannel(request, metadata=as_("admin")).channel
    assert first.id == again.id
    assert len(stubs.events("crm.leads.channel.created.v1", first.id)) == 1


def _race_moves(stubs, moves: list[tuple[str, str]]) -> list[str]:
    """Run the parent moves at once; what each got."""
    import threading
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []

    def move(node: str, parent: str) -> None:
        barrier.wait()
        try:
            stubs.channels.UpdateChannel(pb.UpdateChannelRequest(
                channel_id=node, channel=pb.ChannelFields(parent_id=parent),
                update_fields=["parent_id"]), metadata=as_("director1"))
            outcomes.append("moved")
        except grpc.RpcError as error:
            outcomes.append(grpc_errors.error_info(error).reason)

    threads = [threading.Thread(target=move, args=m) for m in moves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_concurrent_moves_cannot_close_a_loop(stubs):
    for attempt in range(3):
        a = _create(stubs, "director1", f"甲{attempt}", "city_partner")
        b = _create(stubs, "director1", f"乙{attempt}", "city_partner")
        assert _race_moves(stubs, [(a.id, b.id), (b.id, a.id)]) == [
            "invalid.parent_id", "moved"]


def test_only_an_unused_channel_is_deleted(stubs):
    parent = _create(stubs, "director1", "误建上级", "city_partner")
    child = _create(stubs, "director1", "误建下级", "individual_partner", parent.id)
    error = error_of(lambda: stubs.channels.DeleteChannel(pb.DeleteChannelRequest(
        channel_id=parent.id), metadata=as_("director1")))
    assert _reason(error) == (grpc.StatusCode.FAILED_PRECONDITION, "channel.in_use")
    assert error_of(lambda: stubs.channels.DeleteChannel(pb.DeleteChannelRequest(
        channel_id=child.id), metadata=as_("director2"))).code() == grpc.StatusCode.NOT_FOUND
    stubs.channels.DeleteChannel(pb.DeleteChannelRequest(channel_id=child.id),
                                 metadata=as_("director1"))
    assert error_of(lambda: stubs.channels.GetChannel(pb.GetChannelRequest(
        channel_id=child.id), metadata=as_("director1"))).code() == grpc.StatusCode.NOT_FOUND
    [deleted] = stubs.events("crm.leads.channel.deleted.v1", child.id)
    assert (deleted["tier"], deleted["deleted_by"]) == ("individual_partner", "director1")
    # with a customer it brought, a channel stays (deactivate it instead)
    stubs.customer(9300, source_channel_id=parent.id)
    assert _reason(error_of(lambda: stubs.channels.DeleteChannel(pb.DeleteChannelRequest(
        channel_id=parent.id), metadata=as_("director1")))) == (
        grpc.StatusCode.FAILED_PRECONDITION, "channel.in_use")
