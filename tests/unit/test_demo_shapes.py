"""The demo's shapes: shares that add up, stands never empty, grids that hold every tree."""

import numpy as np
import pytest
from shapely.geometry import Point, Polygon

from smarttrees.geo.sampling import planting_grid, square_around
from smarttrees.services.admin import demo

COMMUNES = 92


@pytest.mark.parametrize("wanted", [0, 1, 4, 91, 92, 93, 500, 4_996, 5_000, 1_130_000])
@pytest.mark.parametrize("first_load", [True, False])
def test_demo_shares_add_up_to_what_is_asked_and_are_never_negative(wanted, first_load):
    shares = demo.demo_shares(wanted, units=COMMUNES, first_load=first_load)
    assert sum(shares.values()) == wanted
    assert min(shares.values()) >= 0


def test_a_first_load_puts_a_scattered_tree_in_every_commune_when_it_can():
    assert demo.demo_shares(5_000, units=COMMUNES, first_load=True)["scattered"] == 1_000
    assert demo.demo_shares(300, units=COMMUNES, first_load=True)["scattered"] == COMMUNES
    assert demo.demo_shares(300, units=COMMUNES, first_load=False)["scattered"] == 60


@pytest.mark.parametrize("planted", [-3, 0, 1, 4, 119, 3_000, 904_000])
def test_stand_sizes_are_never_empty_and_add_up(planted):
    sizes = demo.stand_sizes(planted)
    assert sum(sizes) == max(planted, 0)
    assert all(size >= 1 for size in sizes)


def test_a_square_of_no_area_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="positive area"):
        square_around(Point(105.8, 21.6), area_m2=-90.0, angle_deg=10)


@pytest.mark.parametrize("count", [0, 1, 4, 37, 125, 2_000])
def test_a_planting_grid_holds_exactly_the_trees_asked_for(count):
    rng = np.random.default_rng(count)
    stand = square_around(Point(105.8, 21.6), area_m2=max(count, 1) * 7.0, angle_deg=33)
    points = planting_grid(stand, count, rng)
    assert points.shape == (count, 2)


def test_a_thin_stand_still_gets_every_tree():
    # A sliver 200 m by 4 m: a grid sized from the area alone leaves most of its rows outside.
    sliver = Polygon([(105.8, 21.6), (105.8019, 21.6), (105.8019, 21.60004), (105.8, 21.60004)])
    points = planting_grid(sliver, 120, np.random.default_rng(1))
    assert len(points) == 120
