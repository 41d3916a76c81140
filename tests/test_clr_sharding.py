"""CLR under jit with sharded parameters and batches equals the 1-device run.

Runs in a subprocess (the ``run_with_fake_devices`` fixture of conftest.py)
because the number of host CPU devices is fixed when JAX starts
(XLA_FLAGS=--xla_force_host_platform_device_count=4).
"""

import textwrap

_SCRIPT = textwrap.dedent(
    """
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    import optax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

    import corridors

    assert len(jax.devices()) == 4, jax.devices()

    def loss(params, x, y):
        h = jnp.tanh(x @ params["w1"] + params["b1"])
        logits = h @ params["w2"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    key = jax.random.PRNGKey(0)
    k1, k2, k3, k4 = jax.random.split(key, 4)
    params = {
        "w1": jax.random.normal(k1, (5, 16)) / 3,
        "b1": jnp.zeros(16),
        "w2": jax.random.normal(k2, (16, 3)) / 4,
    }
    x = jax.random.normal(k3, (64, 5))
    y = jax.random.randint(k4, (64,), 0, 3)

    def train(opt, params, x, y, steps=20):
        state = opt.init(params)

        @jax.jit
        def step(params, state, xb, yb):
            value, grads = jax.value_and_grad(loss)(params, xb, yb)
            updates, state = opt.update(grads, state, params, value=value)
            return optax.apply_updates(params, updates), state

        steps_taken = []
        for i in range(steps):
            # Two micro-batches alternate so that accumulation has work to do.
            sl = slice(0, 32) if i % 2 == 0 else slice(32, 64)
            params, state = step(params, state, x[sl], y[sl])
            steps_taken.append(state)
        return params, steps_taken

    mesh = Mesh(np.array(jax.devices()), ("d",))
    shard_params = {
        "w1": NamedSharding(mesh, P(None, "d")),  # hidden units split over devices
        "b1": NamedSharding(mesh, P("d")),
        "w2": NamedSharding(mesh, P("d", None)),
    }
    batch = NamedSharding(mesh, P("d"))
    one = jax.devices()[0]

    for name, make, clr_value in [
        ("clr", lambda: corridors.clr(max_learning_rate=5.0), lambda s: s.step),
        (
            "accumulate",
            lambda: corridors.clr_accumulate(corridors.clr(max_learning_rate=5.0), every_k=2),
            lambda s: s.inner_state.step,
        ),
    ]:
        p1, s1 = train(make(), jax.device_put(params, one), jax.device_put(x, one), jax.device_put(y, one))
        p4, s4 = train(
            make(),
            jax.device_put(params, shard_params),
            jax.device_put(x, batch),
            jax.device_put(y, batch),
        )
        assert p4["w1"].sharding.is_equivalent_to(shard_params["w1"], 2), p4["w1"].sharding
        for a, b in zip(jax.tree.leaves(p1), jax.tree.leaves(p4)):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12)
        clr_steps_1 = [float(clr_value(s)) for s in s1]
        clr_steps_4 = [float(clr_value(s)) for s in s4]
        np.testing.assert_allclose(clr_steps_1, clr_steps_4, rtol=1e-10)
        assert max(clr_steps_1) > 0
        print(name, "ok", clr_steps_1[-1])
    """
)


def test_sharded_run_equals_single_device_run(run_with_fake_devices):
    result = run_with_fake_devices(_SCRIPT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clr ok" in result.stdout and "accumulate ok" in result.stdout
