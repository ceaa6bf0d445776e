import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalUnit, convertValue, formatQuantity, inferDirection, parseQuantity } from '../../src/results/units.js'

test('units: conversion, direction, parsing and display', () => {
  assert.equal(convertValue(1.5, 's', 'ms'), 1500)
  assert.equal(convertValue(2048, 'B', 'KiB'), 2)
  assert.equal(convertValue(1, 'MB/s', 'B/s'), 1e6)
  assert.equal(convertValue(1, 'req/s', 'B/s'), undefined, 'requests and bytes per second do not convert')
  assert.equal(convertValue(3, 'widgets', 'widgets'), 3)
  assert.equal(convertValue(3, 'widgets', 'ms'), undefined)
  assert.equal(canonicalUnit('us'), 'µs')
  assert.equal(inferDirection('ops/s'), 'higher')
  assert.equal(inferDirection('frames/sec'), 'higher')
  assert.equal(inferDirection('allocs/op'), 'lower')
  assert.deepEqual(parseQuantity('1,500.5 req/s'), { value: 1500.5, unit: 'req/s' })
  assert.deepEqual(parseQuantity('300ms'), { value: 300, unit: 'ms' })
  assert.equal(parseQuantity('fast'), undefined)
  assert.equal(formatQuantity(850, 'us'), '850 µs')
  assert.equal(formatQuantity(1250, 'us'), '1.25 ms')
  assert.equal(formatQuantity(0.2, 'ms'), '200 µs')
  assert.equal(formatQuantity(3_500_000, 'B'), '3.34 MiB')
  assert.equal(formatQuantity(12345, 'req/s'), '12,345 req/s')
  assert.equal(formatQuantity(183_086, 'B/s'), '179 KiB/s')
  assert.equal(formatQuantity(2.5, 'MB/s'), '2.38 MiB/s')
  assert.equal(formatQuantity(512, 'bytes/s'), '512 B/s')
  assert.equal(formatQuantity(12, 'count'), '12.0')
})
