"""An office with two queues and three counters, on top of the dossiers' small province."""

from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from counters import services
from counters.models import Counter, Service
from procedures.models import Agency
from tests.dossiers.conftest import World, world  # noqa: F401  (the fixture, shared)
from tests.factories import CounterFactory, QueueServiceFactory, StaffFactory


@dataclass
class Queue:
    world: World
    office: Agency
    civil: Service  # A: Tư pháp – hộ tịch
    land: Service  # B: Đất đai – xây dựng
    c1: Counter  # serves A
    c2: Counter  # serves A and B
    c3: Counter  # serves B
    clerk1: User
    clerk2: User
    clerk3: User

    def take(self, service: Service, priority: str = "none"):
        return services.ticket_take(service=service, priority=priority)


@pytest.fixture
def queue(world) -> Queue:  # noqa: F811
    office = world.center
    civil = QueueServiceFactory(office=office, letter="A", name="Tư pháp – hộ tịch", position=1)
    land = QueueServiceFactory(office=office, letter="B", name="Đất đai – xây dựng", position=2)
    c1 = CounterFactory(office=office, number=1, services=[civil])
    c2 = CounterFactory(office=office, number=2, services=[civil, land])
    c3 = CounterFactory(office=office, number=3, services=[land])
    clerk1 = world.clerk
    clerk2 = StaffFactory(role=Role.CLERK, agency=office, full_name="Lê Thị Hai")
    clerk3 = StaffFactory(role=Role.CLERK, agency=office, full_name="Phạm Văn Ba")
    return Queue(world, office, civil, land, c1, c2, c3, clerk1, clerk2, clerk3)
