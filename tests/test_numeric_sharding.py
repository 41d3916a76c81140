"""hg, indicators and drift give the same numbers with params/batches sharded over 4 devices.

Runs in a subprocess (the ``run_with_fake_devices`` fixture of conftest.py): the
fake CPU device count must be set before JAX starts.
"""

import textwrap

SCRIPT = textwrap.dedent(
    """
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    from jax.flatten_util import ravel_pytree
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    from corridors import numeric

    devices = jax.devices()
    assert len(devices) == 4, devices
    mesh = Mesh(np.array(devices), ("d",))

    def loss(params, x, y):
        h = jnp.tanh(x @ params["w1"] + params["b1"])
        return jnp.mean((h @ params["w2"] - y) ** 2)

    k = jax.random.split(jax.random.PRNGKey(0), 5)
    params = {"w1": jax.random.normal(k[0], (8, 64)) / 3, "b1": 0.1 * jax.random.normal(k[1], (64,)),
              "w2": jax.random.normal(k[2], (64, 2)) / 8}
    x = jax.random.normal(k[3], (32, 8))
    y = jax.random.normal(k[4], (32, 2))

    def compute(params, x, y):
        r = jax.jit(lambda p, a, b: numeric.hg(loss, p, a, b))(params, x, y)
        ind = jax.jit(lambda p, a, b: numeric.indicators(loss, p, 0.1, a, b))(params, x, y)
        d = numeric.gd_vs_gf(loss, params, 0.1, 3, x, y)
        return [ravel_pytree(r.grad)[0], ravel_pytree(r.hg)[0], r.value,
                *[getattr(ind, n) for n in numeric.INDICATOR_NAMES], d.drift, d.loss_gd, d.loss_gf]

    single = compute(params, x, y)
    specs = {"w1": P(None, "d"), "b1": P("d"), "w2": P("d", None)}
    sharded_params = {n: jax.device_put(v, NamedSharding(mesh, specs[n])) for n, v in params.items()}
    sharded_x = jax.device_put(x, NamedSharding(mesh, P("d", None)))
    sharded_y = jax.device_put(y, NamedSharding(mesh, P("d", None)))
    assert len(sharded_params["w1"].sharding.device_set) == 4
    assert len(sharded_x.sharding.device_set) == 4
    cases = {"params": (sharded_params, x, y), "batch": (params, sharded_x, sharded_y),
             "both": (sharded_params, sharded_x, sharded_y)}
    for case, inputs in cases.items():
        for a, b in zip(single, compute(*inputs)):
            np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-10, atol=1e-13, err_msg=case)
    print("SHARDING-OK")
    """
)


def test_sharded_results_equal_single_device(run_with_fake_devices):
    # The timeout only guards against a hang: on a busy 2-core machine the script takes minutes.
    done = run_with_fake_devices(SCRIPT, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "SHARDING-OK" in done.stdout
