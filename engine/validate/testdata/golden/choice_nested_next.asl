{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Not": {
      "Variable": "$.x",
      "IsPresent": true,
      "Next": "A"
     },
     "Next": "A"
    }
   ],
   "Default": "A"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}