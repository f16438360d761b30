"""The Data page: the images a class should look at before any network learns from them
(examples, class statistics, a PCA map, one image up close), with their pictures,
numbers and keys."""
