{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Parameters": {
    "y.$": "hello"
   },
   "End": true
  }
 }
}