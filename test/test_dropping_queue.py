"""The bounded hand-off of frames (face node) and utterances (speech node): order, the drop-oldest
rule and shutdown."""

import threading

import pytest

from emotion_ros.dropping_queue import DroppingQueue


def test_frames_come_out_in_order_while_there_is_room():
    queue: DroppingQueue[int] = DroppingQueue(3)
    assert [queue.put(i) for i in range(3)] == [False, False, False]
    assert [queue.get() for _ in range(3)] == [0, 1, 2]
    assert queue.dropped == 0


def test_a_full_queue_drops_its_oldest_frame_and_counts_it():
    queue: DroppingQueue[int] = DroppingQueue(2)
    results = [queue.put(i) for i in range(5)]
    assert results == [False, False, True, True, True]
    assert queue.dropped == 3
    assert len(queue) == 2
    assert [queue.get(), queue.get()] == [3, 4]


def test_close_wakes_a_waiting_worker():
    queue: DroppingQueue[int] = DroppingQueue(1)
    got: list[int | None] = []
    worker = threading.Thread(target=lambda: got.append(queue.get()))
    worker.start()
    queue.close()
    worker.join(timeout=5.0)
    assert not worker.is_alive() and got == [None]
    queue.put(7)
    assert queue.get() is None, "a closed queue hands out nothing more"


def test_a_queue_without_room_is_refused():
    with pytest.raises(ValueError, match="at least one item"):
        DroppingQueue(0)
