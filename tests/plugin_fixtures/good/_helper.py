raise AssertionError("files starting with '_' are not plugins and must not be imported")
