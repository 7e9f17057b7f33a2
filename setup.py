from setuptools import find_packages, setup


def read_version():
    scope = {}
    with open('hyatt_mmpose/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


def read_requirements(path):
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


setup(
    name='hyatt_mmpose',
    version=read_version(),
    description='HYATT-Net anatomical landmark detection as an mmpose 1.x '
    'plugin',
    packages=find_packages(include=['hyatt_mmpose', 'hyatt_mmpose.*']),
    # the tools import it before the package, whose import loads torch: it
    # restarts them with tcmalloc first (see its docstring)
    py_modules=['hyatt_mmpose_allocator'],
    python_requires='>=3.9',
    # The OpenMMLab stack cannot be installed by pip's resolver alone (mmcv
    # must be compiled against the installed torch, mmpose declares an
    # unbuildable dependency): `make setup` installs it from requirements/.
    install_requires=[],
    # the review page (tools/review.py); `make setup` installs it too
    extras_require={'review': read_requirements('requirements/review.txt')},
    # the review page's HTML, CSS and JavaScript
    package_data={'hyatt_mmpose.review': ['static/*']},
    license='Apache-2.0',
)
