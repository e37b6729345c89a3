// The DockerfileLint module; see docs/STATUS.md.
